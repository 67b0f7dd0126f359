import { randomUUID } from 'node:crypto';
import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityNames } from '../../contracts/entities.js';
import { envelopeProperties, responseBodySchema, type RequestBody, type ResponseBody } from '../../contracts/envelope.js';
import type { Reading } from '../../contracts/records.js';
import { toServiceBusMessage } from '../../core/transport/envelope-codec.js';
import { fifteenMinuteKwh, registerKwh, simulatedMeterId, simulatedMeterReading, simulatedReadFails } from '../../sandbox/simulators/owoc/index.js';
import { startE2eStack, type E2eStack } from './support/e2e-stack.js';

// Request/Response end to end: gateway POST /requests → Service Bus (tenant inbound) → OHS request
// router → owoc-interactive-reads adapter → head-end DataService (SOAP, token + polling) → response on
// the sessionful responses queue → gateway GET /requests/{id}.

const adapterId = 'owoc-interactive-reads';
const operation = 'interactive-read';
/** The simulated head-end needs this long before a read's result is ready. */
const headEndLatencyInMs = 3_000;
const failureRate = 0.25;

interface MeterOutcome {
  meterId: string;
  status: 'ok' | 'failed';
  readings: Reading[];
  error?: string;
}
interface ReadResult {
  requestToken: string;
  meters: MeterOutcome[];
}

let e2e: E2eStack;
let bus: ServiceBusClient;

/** Ten simulated meters, some of which the head-end fails to read (deterministic per meter id). */
const meters = Array.from({ length: 10 }, (_, i) => simulatedMeterId(100 + i));
const failing = meters.filter((id) => simulatedReadFails(id, failureRate));
const readable = meters.filter((id) => !simulatedReadFails(id, failureRate));

const headEndReads = (): number => e2e.stack.dataService.stats.interactiveReads;

/** What the simulated head-end answers for a meter's kWh register: the value is derived from the id. */
const registerValue = (meterId: string): number => Number(simulatedMeterReading(meterId, [registerKwh], new Date()).Reading![0]!.attributes.value);

beforeAll(async () => {
  e2e = await startE2eStack('request-response', { headEndLatencyInMs, headEndFailureRate: failureRate });
  bus = new ServiceBusClient(e2e.stack.endpoints.serviceBus.connectionString);
}, 120_000);

afterAll(async () => {
  await bus?.close().catch(() => undefined);
  await e2e?.close();
}, 60_000);

describe('Request/Response through the whole stack', () => {
  it('answers an interactive read completed, with one outcome per meter as the head-end read it', async () => {
    // The meter set must hold both kinds for the test to mean anything.
    expect(failing.length).toBeGreaterThan(0);
    expect(readable.length).toBeGreaterThan(0);
    const reads = headEndReads();
    const before = Date.now();
    const requestId = await e2e.service.request(adapterId, operation, { meterIds: meters }, { timeoutInMs: 30_000 });
    const answer = await e2e.service.response(requestId, 40_000);
    const after = Date.now();

    expect(answer.status).toBe('completed');
    expect(answer.error).toBeUndefined();
    const result = answer.result as ReadResult;
    expect(result.requestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.meters.map((m) => m.meterId)).toEqual(meters);
    for (const outcome of result.meters) {
      if (failing.includes(outcome.meterId)) {
        expect(outcome).toEqual({ meterId: outcome.meterId, status: 'failed', readings: [], error: 'no response from the meter (simulated communication failure)' });
        continue;
      }
      expect(outcome.status).toBe('ok');
      expect(outcome.error).toBeUndefined();
      expect(outcome.readings).toHaveLength(1);
      const [reading] = outcome.readings;
      expect(reading).toStrictEqual({ kind: 'reading', meterId: outcome.meterId, readingType: registerKwh, timestamp: reading!.timestamp, value: registerValue(outcome.meterId), unit: 'kWh', quality: 'valid' });
      // Read "now" by the head-end: between sending the request and getting the answer (whole seconds).
      expect(Date.parse(reading!.timestamp)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(Date.parse(reading!.timestamp)).toBeLessThanOrEqual(after);
    }
    expect(headEndReads()).toBe(reads + 1);
  }, 60_000);

  it('maps interval reading types: the last four 15-minute intervals, the newest estimated', async () => {
    const two = readable.slice(0, 2);
    const requestId = await e2e.service.request(adapterId, operation, { meterIds: two, readingTypes: [fifteenMinuteKwh] }, { timeoutInMs: 30_000 });
    const answer = await e2e.service.response(requestId, 40_000);
    expect(answer.status).toBe('completed');
    const result = answer.result as ReadResult;
    expect(result.meters.map((m) => [m.meterId, m.status])).toEqual(two.map((id) => [id, 'ok']));
    for (const outcome of result.meters) {
      expect(outcome.readings).toHaveLength(4);
      // The newest complete interval at the head-end's "now".
      expect(Date.now() - Date.parse(outcome.readings[3]!.timestamp)).toBeLessThan(16 * 60_000);
      const simulated = simulatedMeterReading(outcome.meterId, [fifteenMinuteKwh], new Date(outcome.readings[3]!.timestamp)).IntervalBlock![0]!.IntervalReading;
      outcome.readings.forEach((reading, i) => {
        const end = Date.parse(reading.timestamp);
        expect(end % (15 * 60_000)).toBe(0);
        expect(reading).toStrictEqual({
          kind: 'reading',
          meterId: outcome.meterId,
          readingType: fifteenMinuteKwh,
          timestamp: simulated[i]!.attributes.end,
          intervalStart: new Date(end - 15 * 60_000).toISOString().replace('.000Z', 'Z'),
          value: Number(simulated[i]!.attributes.value),
          unit: 'kWh',
          ...(i === 3 ? { quality: 'estimated', qualityCode: '2.8.0' } : { quality: 'valid' }),
        });
      });
    }
  }, 60_000);

  it('answers timed-out with a typed, retryable error when the head-end is slower than the deadline', async () => {
    const reads = headEndReads();
    const requestId = await e2e.service.request(adapterId, operation, { meterIds: readable.slice(0, 1) }, { timeoutInMs: 1_500 });
    const answer = await e2e.service.response(requestId, 30_000);
    expect(answer.status).toBe('timed-out');
    expect(answer.result).toBeUndefined();
    // The OHS's answer (the HybridError code), not the gateway's own fallback for a silent OHS.
    expect(answer.error).toMatchObject({ code: 'timeout', retryable: true });
    expect(answer.error!.message).toMatch(/deadline/);
    // It did reach the head-end: the timeout is the head-end's slowness, not a request lost on the way.
    expect(headEndReads()).toBe(reads + 1);
  }, 60_000);

  it('answers failed with code head-end-fault when the head-end answers a SOAP fault', async () => {
    const faulty = 'FAULT-E2E-0001';
    const requestId = await e2e.service.request(adapterId, operation, { meterIds: [readable[0]!, faulty] }, { timeoutInMs: 30_000 });
    const answer = await e2e.service.response(requestId, 40_000);
    expect(answer.status).toBe('failed');
    expect(answer.result).toBeUndefined();
    expect(answer.error).toMatchObject({ code: 'head-end-fault', retryable: false });
    expect(answer.error!.message).toContain('SOAP fault');
    expect(answer.error!.message).toContain(faulty);
  }, 60_000);

  it('answers a repeated idempotency key with the first answer, without reading the meters again', async () => {
    const idempotencyKey = `e2e-${randomUUID()}`;
    const payload = { meterIds: [readable[0]!, failing[0]!] };
    const first = await e2e.service.request(adapterId, operation, payload, { timeoutInMs: 30_000, idempotencyKey });
    const firstAnswer = await e2e.service.response(first, 40_000);
    expect(firstAnswer.status).toBe('completed');
    const reads = headEndReads();

    const again = await e2e.service.request(adapterId, operation, payload, { timeoutInMs: 30_000, idempotencyKey });
    expect(again).toBe(first);
    const againAnswer = await e2e.service.response(again, 40_000);
    expect(againAnswer).toEqual(firstAnswer);
    expect((againAnswer.result as ReadResult).meters.map((m) => m.status)).toEqual(['ok', 'failed']);
    expect(headEndReads()).toBe(reads);
  }, 60_000);

  describe('at the OHS itself (requests sent on the tenant inbound queue, as a gateway instance does)', () => {
    const tenantId = (): string => e2e.stack.endpoints.tenantId;

    const sendRequest = async (body: RequestBody): Promise<void> => {
      const sender = bus.createSender(entityNames.ohsInbound(tenantId()));
      try {
        await sender.sendMessages(
          toServiceBusMessage({ messageId: body.requestId, correlationId: body.requestId, properties: envelopeProperties(tenantId(), 'request', { adapterId, operation }), body }),
        );
      } finally {
        await sender.close();
      }
    };

    const receiveResponse = async (requestId: string): Promise<ResponseBody> => {
      const receiver = await bus.acceptSession(entityNames.responses(tenantId()), requestId);
      try {
        const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 30_000 });
        if (message === undefined) throw new Error(`no response for request ${requestId} within 30 s`);
        await receiver.completeMessage(message);
        expect(message.applicationProperties?.kind).toBe('response');
        return responseBodySchema.parse(message.body);
      } finally {
        await receiver.close();
      }
    };

    const request = (overrides: Partial<RequestBody>): RequestBody => {
      const requestId = randomUUID();
      return {
        requestId,
        idempotencyKey: requestId,
        adapterId,
        operation,
        deadline: new Date(Date.now() + 30_000).toISOString(),
        payload: { meterIds: [readable[0]!] },
        replyTo: entityNames.responses(tenantId()),
        ...overrides,
      };
    };

    it('does not execute a redelivered request (same idempotency key, new request id) twice', async () => {
      const idempotencyKey = `ohs-${randomUUID()}`;
      const reads = headEndReads();
      const first = request({ idempotencyKey });
      await sendRequest(first);
      const firstResponse = await receiveResponse(first.requestId);
      expect(firstResponse.status).toBe('completed');
      expect(headEndReads()).toBe(reads + 1);

      const second = request({ idempotencyKey });
      await sendRequest(second);
      const secondResponse = await receiveResponse(second.requestId);
      // Correlated to the second request, carrying the first one's result.
      expect(secondResponse.requestId).toBe(second.requestId);
      expect(secondResponse.status).toBe('completed');
      expect(secondResponse.result).toEqual(firstResponse.result);
      expect(headEndReads()).toBe(reads + 1);
    }, 60_000);

    it('answers a request whose deadline has passed timed-out, without calling the head-end', async () => {
      const reads = headEndReads();
      const expired = request({ deadline: new Date(Date.now() - 1_000).toISOString() });
      await sendRequest(expired);
      const response = await receiveResponse(expired.requestId);
      expect(response.requestId).toBe(expired.requestId);
      expect(response.status).toBe('timed-out');
      expect(response.error).toMatchObject({ code: 'timeout', retryable: true });
      expect(headEndReads()).toBe(reads);
    }, 60_000);
  });
});
