import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { owocDataNamespace } from '../../adapters/owoc/shared/owoc-namespaces.js';
import type { Reading } from '../../contracts/records.js';
import { OwocPushError, pushDataArrived, type DataArrivedPayload, type PushAcknowledgement } from '../../sandbox/simulators/owoc/index.js';
import { startE2eStack, type E2eStack } from './support/e2e-stack.js';

// Data Feed end to end: head-end SOAP push → OHS feed adapter → durable outbox → Service Bus →
// the subscriber's own delivery queue, read by a cloud service with the SAS the gateway handed out.

const adapterId = 'owoc-interrogation-readings';
const feed = 'interrogation-readings';
const fifteenMinuteKwh = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const hourlyKwDemand = '0.0.7.8.1.1.37.0.0.0.0.0.0.0.0.3.38.0';
const registerKwh = '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const voltage = '0.0.0.6.0.1.54.0.0.0.0.0.0.0.0.0.29.0';

let e2e: E2eStack;
let subscriptionId: string;
// Meter ids unique to this run, so nothing another test pushed can be mistaken for ours.
const run = randomUUID().slice(0, 8);
const meter = (name: string): string => `E2E-${run}-${name}`;

const push = (payload: DataArrivedPayload | string, credentials = e2e.stack.pushCredentials): Promise<PushAcknowledgement> =>
  pushDataArrived(e2e.stack.endpoints.ohs.feedEndpoint, payload, { credentials });

const refusal = async (pushed: Promise<unknown>): Promise<OwocPushError> => {
  const error = await pushed.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the push must be refused').toBeInstanceOf(OwocPushError);
  return error as OwocPushError;
};

const byKey = (r: Reading): string => `${r.meterId}|${r.readingType}|${r.timestamp}`;
const sorted = (readings: readonly Reading[]): Reading[] => [...readings].sort((a, b) => byKey(a).localeCompare(byKey(b)));

beforeAll(async () => {
  e2e = await startE2eStack('data-feed');
  subscriptionId = await e2e.subscribe(adapterId, feed);
}, 120_000);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

describe('Data Feed through the whole stack', () => {
  it('delivers exactly the canonical records of a DataArrived push to the subscriber', async () => {
    const payload: DataArrivedPayload = {
      requestToken: `token-${run}`,
      meterReadings: [
        {
          meter: meter('A'),
          intervalBlocks: [
            {
              readingType: fifteenMinuteKwh,
              intervalReadings: [
                { end: '2024-03-15T01:15:00+01:00', value: '0.412' },
                { end: '2024-03-15T00:30:00Z', value: 0.398, quality: '1.0.0' },
                { end: '2024-03-14T20:45:00-04:00', value: '0.405', quality: '2.8.0' },
                { end: '2024-03-15T01:00:00Z', value: '1.5e-1', quality: '3.0.1' },
              ],
            },
            { readingType: hourlyKwDemand, intervalReadings: [{ end: '2024-03-15T01:00:00Z', value: '2.75' }] },
          ],
        },
        {
          meter: meter('B'),
          readings: [
            { readingType: registerKwh, time: '2024-03-15T06:05:00-05:00', value: '18342.7' },
            { readingType: voltage, time: '2024-03-15T11:05:30Z', value: '239.8', quality: '2.8.1' },
          ],
        },
      ],
    };
    // Written out by hand from the push above (not computed by product code): UTC timestamps,
    // interval starts from the reading type's measuring period, units from multiplier.uom, quality
    // mapped from the IEC 61968-9 code with the code kept beside it.
    const expected: Reading[] = [
      { kind: 'reading', meterId: meter('A'), readingType: fifteenMinuteKwh, timestamp: '2024-03-15T00:15:00Z', intervalStart: '2024-03-15T00:00:00Z', value: 0.412, unit: 'kWh', quality: 'valid' },
      { kind: 'reading', meterId: meter('A'), readingType: fifteenMinuteKwh, timestamp: '2024-03-15T00:30:00Z', intervalStart: '2024-03-15T00:15:00Z', value: 0.398, unit: 'kWh', quality: 'valid', qualityCode: '1.0.0' },
      { kind: 'reading', meterId: meter('A'), readingType: fifteenMinuteKwh, timestamp: '2024-03-15T00:45:00Z', intervalStart: '2024-03-15T00:30:00Z', value: 0.405, unit: 'kWh', quality: 'estimated', qualityCode: '2.8.0' },
      { kind: 'reading', meterId: meter('A'), readingType: fifteenMinuteKwh, timestamp: '2024-03-15T01:00:00Z', intervalStart: '2024-03-15T00:45:00Z', value: 0.15, unit: 'kWh', quality: 'questionable', qualityCode: '3.0.1' },
      { kind: 'reading', meterId: meter('A'), readingType: hourlyKwDemand, timestamp: '2024-03-15T01:00:00Z', intervalStart: '2024-03-15T00:00:00Z', value: 2.75, unit: 'kW', quality: 'valid' },
      { kind: 'reading', meterId: meter('B'), readingType: registerKwh, timestamp: '2024-03-15T11:05:00Z', value: 18342.7, unit: 'kWh', quality: 'valid' },
      { kind: 'reading', meterId: meter('B'), readingType: voltage, timestamp: '2024-03-15T11:05:30Z', value: 239.8, unit: 'V', quality: 'estimated', qualityCode: '2.8.1' },
    ];

    const ack = await push(payload);
    expect(ack).toEqual({ recordsAccepted: expected.length, requestToken: `token-${run}` });

    const ours = (r: Reading): boolean => r.meterId === meter('A') || r.meterId === meter('B');
    await e2e.deliveries.waitFor(`${expected.length} readings of meters A and B`, (c) => c.readings(feed, ours).length >= expected.length);

    const envelopes = e2e.deliveries.feedRecords(feed).filter((e) => e.body.records.some((r) => r.kind === 'reading' && ours(r)));
    // One batch of 7 records fits one message; a redelivery would repeat its message id.
    expect(new Set(envelopes.map((e) => e.messageId)).size).toBe(1);
    const envelope = envelopes[0]!;
    expect(envelope.properties).toEqual({ tenantId: e2e.stack.endpoints.tenantId, kind: 'feed.records', schemaVersion: '1.0', adapterId, feed });
    expect(envelope.body.subscriptionId).toBe(subscriptionId);
    expect(envelope.body.adapterId).toBe(adapterId);
    expect(envelope.body.feed).toBe(feed);
    expect(sorted(envelope.body.records as Reading[])).toStrictEqual(sorted(expected));
    for (const copy of envelopes) expect(copy.body).toStrictEqual(envelope.body);
    expect(e2e.deliveries.violations).toEqual([]);
  });

  it('delivers a batch larger than one message completely, split under one correlation id', async () => {
    const count = 1_234;
    const start = Date.parse('2023-01-01T00:15:00Z');
    const intervalReadings = Array.from({ length: count }, (_, i) => ({ end: new Date(start + i * 15 * 60_000).toISOString(), value: (i % 1000) / 1000 }));
    const ack = await push({ requestToken: `big-${run}`, meterReadings: [{ meter: meter('BIG'), intervalBlocks: [{ readingType: fifteenMinuteKwh, intervalReadings }] }] });
    expect(ack.recordsAccepted).toBe(count);

    const big = (r: Reading): boolean => r.meterId === meter('BIG');
    await e2e.deliveries.waitFor(`${count} readings of meter BIG`, (c) => new Set(c.readings(feed, big).map(byKey)).size >= count);

    const envelopes = e2e.deliveries.feedRecords(feed).filter((e) => e.body.records.some((r) => r.kind === 'reading' && big(r)));
    const distinct = new Map(envelopes.map((e) => [e.messageId, e]));
    expect(distinct.size).toBe(Math.ceil(count / 500));
    expect(new Set([...distinct.values()].map((e) => e.correlationId)).size).toBe(1);
    const readings = [...distinct.values()].flatMap((e) => e.body.records as Reading[]);
    expect(readings).toHaveLength(count);
    const expected = intervalReadings.map((r): Reading => {
      const end = Date.parse(r.end);
      return {
        kind: 'reading',
        meterId: meter('BIG'),
        readingType: fifteenMinuteKwh,
        timestamp: new Date(end).toISOString().replace('.000Z', 'Z'),
        intervalStart: new Date(end - 15 * 60_000).toISOString().replace('.000Z', 'Z'),
        value: r.value,
        unit: 'kWh',
        quality: 'valid',
      };
    });
    expect(sorted(readings)).toStrictEqual(sorted(expected));
  });

  it('answers malformed or refused pushes with a SOAP fault and publishes nothing of them', async () => {
    // 1. Not well-formed XML: the request guard refuses it before the SOAP service sees it.
    const broken = await refusal(push(`<d:DataArrived xmlns:d="${owocDataNamespace}"><d:input><d:MeterReading meter="${meter('BROKEN')}"><d:Reading readingType="${registerKwh}"`));
    expect(broken.status).toBe(400);
    expect(broken.faultCode).toMatch(/(^|:)Client$/);

    // 2. Well-formed, but one reading of one meter is invalid: the whole push is refused, the valid
    //    meter of the same push included (a batch is validated as a whole).
    const invalid = await refusal(
      push({
        requestToken: `invalid-${run}`,
        meterReadings: [
          { meter: meter('VALID-IN-BAD-BATCH'), readings: [{ readingType: registerKwh, time: '2024-03-15T11:05:00Z', value: '100.5' }] },
          {
            meter: meter('BAD-VALUE'),
            intervalBlocks: [
              {
                readingType: fifteenMinuteKwh,
                intervalReadings: [
                  { end: '2024-03-15T00:15:00Z', value: '0.1' },
                  { end: '2024-03-15T00:30:00Z', value: 'abc' },
                  { end: '2024-03-15T00:45:00', value: '0.3' },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(invalid.status).toBe(500);
    expect(invalid.faultCode).toMatch(/(^|:)Client$/);
    expect(invalid.faultString).toContain('value "abc" is not a finite number');
    expect(invalid.faultString).toContain('"2024-03-15T00:45:00" is not an ISO 8601 date-time with a UTC offset');

    // 3. A valid payload with the wrong password.
    const unauthenticated = await refusal(
      push({ meterReadings: [{ meter: meter('WRONG-PASSWORD'), readings: [{ readingType: registerKwh, time: '2024-03-15T11:05:00Z', value: '1' }] }] }, { username: e2e.stack.pushCredentials.username, password: 'not-the-password' }),
    );
    expect(unauthenticated.faultCode).toMatch(/(^|:)Client$/);
    expect(unauthenticated.faultString).toMatch(/authentication failed/);

    // A valid marker pushed after the refused ones: the outbox drains in commit order, so once the
    // marker has arrived anything the refused pushes had published would have arrived before it.
    const marker = meter('MARKER');
    expect((await push({ meterReadings: [{ meter: marker, readings: [{ readingType: registerKwh, time: '2024-03-15T11:05:00Z', value: '42' }] }] })).recordsAccepted).toBe(1);
    await e2e.deliveries.waitFor('the marker reading', (c) => c.readings(feed, (r) => r.meterId === marker).length > 0);

    const refusedMeters = new Set(['BROKEN', 'VALID-IN-BAD-BATCH', 'BAD-VALUE', 'WRONG-PASSWORD'].map(meter));
    expect(e2e.deliveries.readings(feed, (r) => refusedMeters.has(r.meterId))).toEqual([]);
  });
});
