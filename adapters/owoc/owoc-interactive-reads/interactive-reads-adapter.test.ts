import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isHybridError, type HybridError } from '../../../core/sdk/index.js';
import { startOwocDataService, simulatedReadFails, type OwocDataService, type OwocDataServiceOptions } from '../../../sandbox/simulators/owoc/owoc-data-service.js';
import { recordingLogger } from '../shared/recording-logger.js';
import { interactiveReadResultSchema, type InteractiveReadResult } from './interactive-read-operation.js';
import { InteractiveReadsAdapter } from './interactive-reads-adapter.js';
import type { InteractiveReadsConfigInput } from './interactive-reads-config.js';

const register = '0.0.0.1.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const delta15 = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const credentials = { username: 'ohs-reader', password: 'pw-4b1d-not-logged' };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(options: OwocDataServiceOptions = {}): Promise<OwocDataService> {
  const service = await startOwocDataService({ credentials, ...options });
  cleanups.push(() => service.close());
  return service;
}

async function adapterFor(endpoint: string, config: Partial<InteractiveReadsConfigInput> = {}) {
  const log = recordingLogger();
  const adapter = new InteractiveReadsAdapter({ endpoint, ...credentials, pollIntervalInMs: 10, ...config }, log);
  const abort = new AbortController();
  await adapter.start({ tenantId: 't1', log, signal: abort.signal });
  cleanups.push(async () => {
    await adapter.stop();
    abort.abort();
  });
  return { adapter, log };
}

function options(timeoutInMs = 20_000, signal?: AbortSignal) {
  return { signal: signal ?? new AbortController().signal, deadline: new Date(Date.now() + timeoutInMs) };
}

async function failure(promise: Promise<unknown>): Promise<HybridError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isHybridError(error), String(error)).toBe(true);
  return error as HybridError;
}

describe('owoc-interactive-reads', () => {
  it('reads meters through InteractiveRead and GetInteractiveReadResult, mapping readings canonically', async () => {
    const service = await simulator({ latencyInMs: 30, now: () => new Date('2024-03-15T06:07:30Z') });
    const { adapter } = await adapterFor(service.url);
    const result = (await adapter.handle('interactive-read', { meterIds: ['M-1', 'M-2', 'M-1'], readingTypes: [delta15, register] }, options())) as InteractiveReadResult;
    expect(interactiveReadResultSchema.safeParse(result).success).toBe(true);
    expect(result.meters.map((m) => [m.meterId, m.status, m.readings.length])).toEqual([
      ['M-1', 'ok', 5],
      ['M-2', 'ok', 5],
    ]);
    const [first, , , newest, registerRead] = result.meters[0]!.readings;
    expect(first).toMatchObject({ meterId: 'M-1', readingType: delta15, timestamp: '2024-03-15T05:15:00Z', intervalStart: '2024-03-15T05:00:00Z', unit: 'kWh', quality: 'valid' });
    expect(newest).toMatchObject({ timestamp: '2024-03-15T06:00:00Z', quality: 'estimated', qualityCode: '2.8.0' });
    expect(registerRead).toMatchObject({ readingType: register, timestamp: '2024-03-15T06:07:30Z', unit: 'kWh', quality: 'valid' });
    expect(registerRead).not.toHaveProperty('intervalStart');
    expect(service.stats.interactiveReads).toBe(1);
    expect(service.stats.resultPolls).toBeGreaterThanOrEqual(1);
  });

  it('reports failed meters with the head-end reason beside the good ones', async () => {
    const meters = Array.from({ length: 12 }, (_, i) => `MTR-${i}`);
    const service = await simulator({ failureRate: 0.5 });
    const { adapter } = await adapterFor(service.url);
    const result = (await adapter.handle('interactive-read', { meterIds: meters }, options())) as InteractiveReadResult;
    for (const meter of result.meters) {
      if (simulatedReadFails(meter.meterId, 0.5)) expect(meter).toEqual({ meterId: meter.meterId, status: 'failed', readings: [], error: expect.stringContaining('no response from the meter') });
      else expect(meter).toMatchObject({ status: 'ok', readings: [{ readingType: register, unit: 'kWh' }] });
    }
    expect(result.meters.map((m) => m.meterId)).toEqual(meters);
  });

  it('maps a SOAP fault to head-end-fault with a safe message', async () => {
    const service = await simulator();
    const { adapter } = await adapterFor(service.url);
    const error = await failure(adapter.handle('interactive-read', { meterIds: ['M-1', 'FAULT-7'] }, options()));
    expect(error.code).toBe('head-end-fault');
    expect(error.message).toContain('FAULT-7 cannot be read');
    expect(error.toJSON()).toEqual({ code: 'head-end-fault', message: error.message, retryable: false });
    expect(JSON.stringify(error.toJSON())).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it('maps wrong credentials to head-end-fault, and supports PasswordDigest', async () => {
    const service = await simulator();
    const wrong = await adapterFor(service.url, { password: 'guess' });
    expect((await failure(wrong.adapter.handle('interactive-read', { meterIds: ['M-1'] }, options()))).message).toContain('authentication failed');
    const digest = await adapterFor(service.url, { passwordType: 'PasswordDigest' });
    await expect(digest.adapter.handle('interactive-read', { meterIds: ['M-1'] }, options())).resolves.toMatchObject({ meters: [{ status: 'ok' }] });
    expect(JSON.stringify([...wrong.log.lines, ...digest.log.lines])).not.toContain(credentials.password);
  });

  it('maps a refused connection to a retryable head-end-unavailable', async () => {
    const service = await simulator();
    const url = service.url;
    await service.close();
    const { adapter } = await adapterFor(url);
    const error = await failure(adapter.handle('interactive-read', { meterIds: ['M-1'] }, options()));
    expect(error).toMatchObject({ code: 'head-end-unavailable', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('maps HTTP errors without a SOAP answer by status', async () => {
    const statuses: number[] = [503, 404];
    const server: Server = createServer((_req, res) => res.writeHead(statuses.shift() ?? 500, { 'Content-Type': 'text/html' }).end('<html>down</html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    const { adapter } = await adapterFor(`http://127.0.0.1:${port}/owoc/v1/DataService`);
    expect(await failure(adapter.handle('interactive-read', { meterIds: ['M-1'] }, options()))).toMatchObject({ code: 'head-end-unavailable' });
    expect(await failure(adapter.handle('interactive-read', { meterIds: ['M-1'] }, options()))).toMatchObject({ code: 'head-end-fault' });
  });

  it('times out at the deadline while the head-end is still reading, naming the request token', async () => {
    const service = await simulator({ latencyInMs: 600_000 });
    const { adapter } = await adapterFor(service.url);
    const error = await failure(adapter.handle('interactive-read', { meterIds: ['M-1'] }, options(300)));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toMatch(/interactive read [0-9a-f-]{36} did not complete before the deadline \(last state (Initialized|InProgress)\)/);
  });

  it('times out a single call that hangs, and never calls the head-end once the deadline has passed', async () => {
    const service = await simulator({ responseDelayInMs: 600_000 });
    const { adapter } = await adapterFor(service.url, { callTimeoutInMs: 200 });
    expect(await failure(adapter.handle('interactive-read', { meterIds: ['M-1'] }, options()))).toMatchObject({ code: 'timeout' });
    const fresh = await simulator();
    const second = await adapterFor(fresh.url);
    const expired = new AbortController();
    expired.abort();
    expect(await failure(second.adapter.handle('interactive-read', { meterIds: ['M-1'] }, { signal: expired.signal, deadline: new Date(Date.now() - 1) }))).toMatchObject({ code: 'timeout' });
    expect(fresh.stats.interactiveReads).toBe(0);
  });

  it('ends with timeout when the caller aborts, and with adapter-stopped when the adapter stops mid-read', async () => {
    const service = await simulator({ latencyInMs: 600_000 });
    const { adapter } = await adapterFor(service.url);
    const caller = new AbortController();
    const aborted = adapter.handle('interactive-read', { meterIds: ['M-1'] }, options(60_000, caller.signal));
    while (service.stats.interactiveReads === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    caller.abort();
    expect(await failure(aborted)).toMatchObject({ code: 'timeout' });

    const stopping = adapter.handle('interactive-read', { meterIds: ['M-2'] }, options(60_000));
    while (service.stats.interactiveReads < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await adapter.stop();
    expect(await failure(stopping)).toMatchObject({ code: 'adapter-stopped' });
  });

  it('runs concurrent reads independently, each with its own token', async () => {
    const service = await simulator({ latencyInMs: 20 });
    const { adapter } = await adapterFor(service.url);
    const results = (await Promise.all(Array.from({ length: 12 }, (_, i) => adapter.handle('interactive-read', { meterIds: [`C-${i}`, `D-${i}`] }, options())))) as InteractiveReadResult[];
    expect(new Set(results.map((r) => r.requestToken)).size).toBe(12);
    results.forEach((result, i) => expect(result.meters.map((m) => [m.meterId, m.status])).toEqual([[`C-${i}`, 'ok'], [`D-${i}`, 'ok']]));
    expect(service.stats.interactiveReads).toBe(12);
  });

  it('rejects undeclared operations and invalid requests before calling the head-end', async () => {
    const service = await simulator();
    const { adapter } = await adapterFor(service.url);
    expect(await failure(adapter.handle('disconnect', {}, options()))).toMatchObject({ code: 'unknown-operation' });
    for (const request of [{}, { meterIds: [] }, { meterIds: Array.from({ length: 101 }, (_, i) => `M${i}`) }, { meterIds: ['M'], readingTypes: ['kWh'] }, { meterIds: ['M'], meterId: 'typo' }, { meterIds: [' '] }]) {
      expect(await failure(adapter.handle('interactive-read', request, options()))).toMatchObject({ code: 'invalid-input' });
    }
    expect(service.stats.interactiveReads).toBe(0);
  });

  it('refuses an endpoint with credentials in it, or without both username and password', () => {
    expect(() => new InteractiveReadsAdapter({ endpoint: 'http://u:p@127.0.0.1/x' }, recordingLogger())).toThrow(/must not carry credentials/);
    expect(() => new InteractiveReadsAdapter({ endpoint: 'http://127.0.0.1/x', username: 'u' }, recordingLogger())).toThrow(/set together/);
    expect(() => new InteractiveReadsAdapter({ endpoint: 'ftp://127.0.0.1/x' }, recordingLogger())).toThrow(/http or https/);
  });
});
