import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedContext, FeedRecord } from '../../../core/sdk/index.js';
import { dataArrivedEnvelope, type DataArrivedPayload } from '../../../sandbox/simulators/owoc/data-arrived-envelope.js';
import { OwocPushError, pushDataArrived } from '../../../sandbox/simulators/owoc/push-data-arrived.js';
import { recordingLogger } from '../shared/recording-logger.js';
import { InterrogationReadingsAdapter } from './interrogation-readings-adapter.js';
import type { InterrogationReadingsConfigInput } from './interrogation-readings-config.js';

const delta15 = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const register = '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const fixtureXml = () => readFile(new URL('./fixtures/data-arrived.xml', import.meta.url), 'utf8');

type Publish = FeedContext['publish'];
const started: InterrogationReadingsAdapter[] = [];
const aborts: AbortController[] = [];

afterEach(async () => {
  for (const adapter of started.splice(0)) await adapter.stop();
  for (const abort of aborts.splice(0)) abort.abort();
});

/** Start the adapter on a free loopback port with a publish function; returns it, its URL and the published batches. */
async function startAdapter(config: InterrogationReadingsConfigInput = {}, publish?: Publish) {
  const batches: Array<{ feed: string; records: readonly FeedRecord[] }> = [];
  const log = recordingLogger();
  const adapter = new InterrogationReadingsAdapter({ port: 0, ...config }, log);
  const abort = new AbortController();
  aborts.push(abort);
  const defaultPublish: Publish = async (feed, records) => {
    batches.push({ feed, records });
    return { batchId: `b${batches.length}`, accepted: records.length };
  };
  await adapter.start({ tenantId: 't1', log, signal: abort.signal, publish: publish ?? defaultPublish });
  started.push(adapter);
  return { adapter, url: adapter.endpointUrl!, batches, log };
}

function payload(meter: string, values: Array<string | number>, requestToken?: string): DataArrivedPayload {
  return {
    requestToken,
    meterReadings: [{ meter, intervalBlocks: [{ readingType: delta15, intervalReadings: values.map((value, i) => ({ end: `2024-03-15T00:${String(15 * (i + 1) % 60).padStart(2, '0')}:00Z`, value })) }] }],
  };
}

/** POST raw bytes with chosen headers and return status and body (for what pushDataArrived would not send). */
function rawPost(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function refusal(push: Promise<unknown>): Promise<OwocPushError> {
  const error = await push.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OwocPushError);
  return error as OwocPushError;
}

describe('owoc-interrogation-readings: DataArrived subscriber endpoint', () => {
  it('binds loopback by default, serves its WSDL with the bound address, and maps the fixture push', async () => {
    const { url, batches, log } = await startAdapter();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/owoc\/v1\/DataSubscriberService$/);
    expect(log.lines.some((l) => l.level === 'info' && JSON.stringify(l.fields).includes(url))).toBe(true);
    const wsdl = await fetch(`${url}?wsdl`).then((r) => r.text());
    expect(wsdl).toContain(`location="${url}"`);
    expect(wsdl).toContain('urn:hybrid-connector:hcsim:owoc:data:v1');

    const ack = await pushDataArrived(url, await fixtureXml());
    expect(ack).toEqual({ recordsAccepted: 3, requestToken: '7b1f4c2e-0d6a-4b55-9a4e-1f3b2c9d0e11' });
    expect(batches).toHaveLength(1);
    expect(batches[0]!.feed).toBe('interrogation-readings');
    expect(batches[0]!.records).toEqual([
      { kind: 'reading', meterId: '2.16.840.1.114416.14.900000101', readingType: delta15, timestamp: '2024-03-15T00:15:00Z', intervalStart: '2024-03-15T00:00:00Z', value: 0.412, unit: 'kWh', quality: 'valid' },
      { kind: 'reading', meterId: '2.16.840.1.114416.14.900000101', readingType: delta15, timestamp: '2024-03-15T00:30:00Z', intervalStart: '2024-03-15T00:15:00Z', value: 0.398, unit: 'kWh', quality: 'estimated', qualityCode: '2.8.0' },
      { kind: 'reading', meterId: '2.16.840.1.114416.14.900000101', readingType: register, timestamp: '2024-03-15T00:00:00Z', value: 18361.9, unit: 'kWh', quality: 'valid' },
    ]);
  });

  it('acknowledges only after publish resolved', async () => {
    let stored = false;
    const { url } = await startAdapter({}, async (_feed, records) => {
      // A slow store: an adapter that answered before publish resolved would be seen acknowledging early.
      await new Promise((resolve) => setTimeout(resolve, 50));
      stored = true;
      return { batchId: 'b1', accepted: records.length };
    });
    const storedWhenAcknowledged = await pushDataArrived(url, payload('M1', [1, 2])).then(() => stored);
    expect(storedWhenAcknowledged).toBe(true);
  });

  it('answers a Server fault and acknowledges nothing when publish rejects', async () => {
    const { url, log } = await startAdapter({}, async () => Promise.reject(new Error('disk full')));
    const error = await refusal(pushDataArrived(url, payload('M1', [1])));
    expect(error).toMatchObject({ status: 500, faultCode: 'soap:Server' });
    expect(error.faultString).toContain('nothing was accepted');
    expect(error.faultString).not.toContain('disk full');
    expect(log.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('refuses a push with any invalid reading as a whole, with a Client fault naming every problem', async () => {
    const { url, batches } = await startAdapter();
    const bad: DataArrivedPayload = {
      meterReadings: [
        ...payload('M1', [1, 'abc']).meterReadings,
        { meter: 'M2', readings: [{ readingType: register, time: '2024-03-15T00:00:00', value: 5 }] },
        { meter: 'M3', readings: [{ readingType: '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.0.999.0', time: '2024-03-15T00:00:00Z', value: 5 }] },
      ],
    };
    const error = await refusal(pushDataArrived(url, bad));
    expect(error).toMatchObject({ status: 500, faultCode: 'soap:Client' });
    expect(error.faultString).toContain('value "abc" is not a finite number');
    expect(error.faultString).toContain('UTC offset');
    expect(error.faultString).toContain('no unit is known');
    expect(batches).toEqual([]);
  });

  it('accepts reading types whose unit is configured', async () => {
    const { url, batches } = await startAdapter({ readingTypeUnits: { '0.999': 'widgets' } });
    await pushDataArrived(url, { meterReadings: [{ meter: 'M3', readings: [{ readingType: '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.0.999.0', time: '2024-03-15T00:00:00Z', value: 5 }] }] });
    expect(batches[0]!.records).toMatchObject([{ unit: 'widgets', value: 5 }]);
  });

  it('refuses malformed XML, XXE, entity bombs and SOAP 1.2 before parsing, publishing nothing', async () => {
    const { url, batches, log } = await startAdapter();
    const body = (xml: string) => rawPost(url, xml, { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' });
    const envelope = dataArrivedEnvelope(payload('M1', [1]));
    const cases = {
      malformed: envelope.replace('</d:input>', ''),
      xxe: `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${envelope.replace(/^<\?xml[^>]*\?>/, '').replace('<d:input>', '<d:input><d:RequestToken>&xxe;</d:RequestToken>')}`,
      bomb: `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>${envelope.replace(/^<\?xml[^>]*\?>/, '').replace('<d:input>', '<d:input><d:RequestToken>&c;</d:RequestToken>')}`,
      undefinedEntity: envelope.replace('<d:input>', '<d:input><d:RequestToken>&xxe;</d:RequestToken>'),
      notSoap: '<d:DataArrived xmlns:d="urn:hybrid-connector:hcsim:owoc:data:v1"/>',
      wrongNamespace: envelope.replaceAll('urn:hybrid-connector:hcsim:owoc:data:v1', 'urn:someone-else'),
    };
    for (const [name, xml] of Object.entries(cases)) {
      const answer = await body(xml);
      expect(answer.status, name).toBe(400);
      expect(answer.text, name).toContain('<faultcode>soap:Client</faultcode>');
    }
    expect((await body('')).status).toBe(400);
    expect((await rawPost(url, envelope, { 'Content-Type': 'application/soap+xml; charset=utf-8' })).status).toBe(415);
    expect((await rawPost(url, envelope, { 'Content-Type': 'text/xml', 'Content-Encoding': 'gzip' })).status).toBe(415);
    expect((await rawPost(url, envelope, { 'Content-Type': 'text/xml', SOAPAction: '"urn:other/Delete"' })).status).toBe(400);
    expect((await rawPost(url, Buffer.from([0x3c, 0xff, 0xfe, 0x3e]), { 'Content-Type': 'text/xml' })).status).toBe(400);
    expect((await rawPost(`${url}/../other`, envelope, { 'Content-Type': 'text/xml' })).status).toBe(404);
    expect(batches).toEqual([]);
    expect(log.lines.filter((l) => l.message === 'DataArrived push refused').length).toBeGreaterThanOrEqual(Object.keys(cases).length);
  });

  it('refuses bodies over the limit, declared or streamed, with a 413 fault', async () => {
    const { url, batches } = await startAdapter({ maxBodyBytes: 4096 });
    const big = payload('M1', Array.from({ length: 400 }, (_, i) => i));
    const declared = await refusal(pushDataArrived(url, big));
    expect(declared).toMatchObject({ status: 413, faultCode: 'soap:Client' });
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'text/xml' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // No Content-Length: chunked, so only counting the bytes can catch it.
      req.write(dataArrivedEnvelope(big).slice(0, 3000));
      req.write(dataArrivedEnvelope(big).slice(3000, 9000));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(batches).toEqual([]);
    // A push within the limit still works afterwards.
    await expect(pushDataArrived(url, payload('M1', [1]))).resolves.toMatchObject({ recordsAccepted: 1 });
  });

  it('demands the configured UsernameToken (text or digest) and never logs the password', async () => {
    const password = 'pa$$-word-9f2c';
    const { url, batches, log } = await startAdapter({ username: 'head-end', password });
    const noToken = await refusal(pushDataArrived(url, payload('M1', [1])));
    expect(noToken).toMatchObject({ faultCode: 'soap:Client', faultString: expect.stringContaining('authentication failed') });
    await refusal(pushDataArrived(url, payload('M1', [1]), { credentials: { username: 'head-end', password: 'guess' } }));
    await refusal(pushDataArrived(url, payload('M1', [1]), { credentials: { username: 'intruder', password } }));
    expect(batches).toEqual([]);
    await pushDataArrived(url, payload('M1', [1]), { credentials: { username: 'head-end', password } });
    await pushDataArrived(url, payload('M2', [2]), { credentials: { username: 'head-end', password, passwordType: 'PasswordDigest' } });
    expect(batches.flatMap((b) => b.records.map((r) => (r as { meterId: string }).meterId))).toEqual(['M1', 'M2']);
    expect(JSON.stringify(log.lines)).not.toContain(password);
  });

  it('handles concurrent pushes independently, and answers busy beyond maxConcurrentPushes', async () => {
    const { url, batches } = await startAdapter();
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => pushDataArrived(url, payload(`M${i}`, [i, i + 1], `tok-${i}`))));
    expect(acks.map((a) => a.requestToken)).toEqual(Array.from({ length: 20 }, (_, i) => `tok-${i}`));
    expect(batches).toHaveLength(20);
    expect(new Set(batches.map((b) => (b.records[0] as { meterId: string }).meterId)).size).toBe(20);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    let firstCalled!: () => void;
    const first = new Promise<void>((resolve) => (firstCalled = resolve));
    const slow = await startAdapter({ maxConcurrentPushes: 1 }, async (_feed, records) => {
      calls += 1;
      firstCalled();
      await gate;
      return { batchId: 'x', accepted: records.length };
    });
    const pending = pushDataArrived(slow.url, payload('A', [1]));
    await first;
    const busy = await refusal(pushDataArrived(slow.url, payload('B', [1])));
    expect(busy).toMatchObject({ status: 503, faultCode: 'soap:Server' });
    release();
    await expect(pending).resolves.toMatchObject({ recordsAccepted: 1 });
    expect(calls).toBe(1);
  });

  it('acknowledges an empty push without publishing, and refuses pushes once stopped', async () => {
    const { adapter, url, batches } = await startAdapter();
    await expect(pushDataArrived(url, { meterReadings: [] })).resolves.toEqual({ recordsAccepted: 0, requestToken: undefined });
    expect(batches).toEqual([]);
    await adapter.stop();
    await expect(pushDataArrived(url, payload('M1', [1]))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('reports a port in use as invalid-config', async () => {
    const { adapter } = await startAdapter();
    const port = Number(new URL(adapter.endpointUrl!).port);
    const second = new InterrogationReadingsAdapter({ port }, recordingLogger());
    const abort = new AbortController();
    aborts.push(abort);
    await expect(second.start({ tenantId: 't1', log: recordingLogger(), signal: abort.signal, publish: async () => ({ batchId: 'x', accepted: 0 }) })).rejects.toMatchObject({ code: 'invalid-config' });
  });

  it('refuses an invalid config with every problem', () => {
    expect(() => new InterrogationReadingsAdapter({ username: 'u', port: 70_000 } as InterrogationReadingsConfigInput, recordingLogger())).toThrow(/port.*password|password.*port/s);
  });
});
