import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RequestBody } from '../../../contracts/envelope.js';
import { HybridError, type RequestResponseAdapter, type RequestResponseManifest } from '../../sdk/index.js';
import { openStore, Outbox, RequestDedupe } from '../../store/index.js';
import { RequestRouter } from './request-router.js';

class SlowReader implements RequestResponseAdapter {
  calls = 0;
  concurrent = 0;
  maxConcurrent = 0;
  constructor(private readonly delayInMs: number) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async handle(_operation: string, request: unknown, options: { signal: AbortSignal }): Promise<unknown> {
    this.calls += 1;
    this.concurrent += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, this.delayInMs);
        options.signal.addEventListener('abort', () => (clearTimeout(timer), reject(new HybridError('timeout', 'head-end did not answer in time'))), { once: true });
      });
      const meter = (request as { meter: string }).meter;
      if (meter === 'FAULT') throw new HybridError('head-end-fault', 'meter unknown to head-end');
      return { meter, kwh: 1.5 };
    } finally {
      this.concurrent -= 1;
    }
  }
}

const manifest = {
  id: 'reader',
  method: 'request-response',
  operations: [{ name: 'read', description: 'r', request: z.object({ meter: z.string() }), result: z.object({ meter: z.string(), kwh: z.number() }), defaultTimeoutInMs: 1000 }],
} as unknown as RequestResponseManifest;

function setup(delayInMs = 5, maxConcurrentPerAdapter = 2) {
  const db = openStore(':memory:');
  const outbox = new Outbox(db);
  const adapter = new SlowReader(delayInMs);
  const router = new RequestRouter({ tenantId: 'acme', db, dedupe: new RequestDedupe(db), outbox, wake: () => undefined, adapter: (id) => (id === 'reader' ? { manifest, instance: adapter } : undefined), maxConcurrentPerAdapter });
  return { router, adapter, outbox };
}

let n = 0;
function request(overrides: Partial<RequestBody> = {}): RequestBody {
  n += 1;
  return { requestId: `r${n}`, idempotencyKey: `k${n}`, adapterId: 'reader', operation: 'read', deadline: new Date(Date.now() + 5_000).toISOString(), payload: { meter: 'M1' }, replyTo: 'ihc.acme.responses', ...overrides };
}

describe('RequestRouter', () => {
  it('executes a request and queues a correlated, sessionful response', async () => {
    const { router, outbox } = setup();
    const req = request();
    const response = await router.handle(req);
    expect(response).toMatchObject({ requestId: req.requestId, status: 'completed', result: { meter: 'M1', kwh: 1.5 } });
    const [queued] = outbox.due('acme', 10);
    expect(queued).toMatchObject({ entity: 'ihc.acme.responses', envelope: { correlationId: req.requestId, sessionId: req.requestId, properties: { kind: 'response' } } });
  });

  it('answers timed-out without executing when the deadline has passed', async () => {
    const { router, adapter } = setup();
    const response = await router.handle(request({ deadline: new Date(Date.now() - 1).toISOString() }));
    expect(response?.status).toBe('timed-out');
    expect(adapter.calls).toBe(0);
  });

  it('answers timed-out when the head-end is slower than the deadline', async () => {
    const { router } = setup(10_000);
    const response = await router.handle(request({ deadline: new Date(Date.now() + 50).toISOString() }));
    expect(response).toMatchObject({ status: 'timed-out', error: { code: 'timeout' } });
  });

  it('returns the first answer to a repeated idempotency key without executing again', async () => {
    const { router, adapter } = setup();
    const first = await router.handle(request({ idempotencyKey: 'same' }));
    const again = await router.handle(request({ idempotencyKey: 'same', payload: { meter: 'OTHER' } }));
    expect(adapter.calls).toBe(1);
    expect(again?.result).toEqual(first?.result);
  });

  it('runs concurrent deliveries of one key once', async () => {
    const { router, adapter } = setup(30);
    const req = request();
    const [a, b] = await Promise.all([router.handle(req), router.handle(req)]);
    expect(adapter.calls).toBe(1);
    expect([a?.status, b?.status].sort()).toEqual(['completed', undefined].sort());
  });

  it('limits concurrent head-end calls per adapter', async () => {
    const { router, adapter } = setup(20, 2);
    await Promise.all(Array.from({ length: 6 }, () => router.handle(request())));
    expect(adapter.calls).toBe(6);
    expect(adapter.maxConcurrent).toBe(2);
  });

  it('types errors: head-end faults, bad payloads, unknown operations and adapters', async () => {
    const { router } = setup();
    expect((await router.handle(request({ payload: { meter: 'FAULT' } })))?.error).toMatchObject({ code: 'head-end-fault', retryable: false });
    expect((await router.handle(request({ payload: { meter: 7 } })))?.error).toMatchObject({ code: 'invalid-input' });
    expect((await router.handle(request({ operation: 'explode' })))?.error).toMatchObject({ code: 'unknown-operation' });
    expect((await router.handle(request({ adapterId: 'nope' })))?.error).toMatchObject({ code: 'unknown-adapter' });
  });
});
