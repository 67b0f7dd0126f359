import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envelopeProperties, type Envelope, type ResponseBody } from '../../contracts/envelope.js';
import { FileLedger } from './file-ledger.js';
import { openStore } from './open-store.js';
import { Outbox } from './outbox.js';
import { RequestDedupe } from './request-dedupe.js';
import { SubscriptionStore } from './subscription-store.js';

const envelope = (id: string): Envelope => ({ messageId: id, properties: envelopeProperties('acme', 'feed.records'), body: { n: id } });

describe('SubscriptionStore', () => {
  it('keeps subscriptions per tenant and feed, and upserts idempotently', () => {
    const store = new SubscriptionStore(openStore(':memory:'));
    const sub = { subscriptionId: 's1', subscriberId: 'analytics', adapterId: 'owoc', feed: 'readings', deliveryEntity: 'q1', createdAt: '2024-01-01T00:00:00Z' };
    store.upsert('acme', sub);
    store.upsert('acme', sub);
    store.upsert('other', { ...sub, subscriptionId: 's2' });
    expect(store.forFeed('acme', 'owoc', 'readings')).toEqual([sub]);
    expect(store.forFeed('acme', 'owoc', 'events')).toEqual([]);
    expect(store.remove('acme', 's1')).toBe(true);
    expect(store.remove('acme', 's1')).toBe(false);
    expect(store.list('other')).toHaveLength(1);
  });

  it('keeps one subscription per subscriber and feed: a newer id replaces the older', () => {
    const store = new SubscriptionStore(openStore(':memory:'));
    const sub = { subscriptionId: 's1', subscriberId: 'analytics', adapterId: 'owoc', feed: 'readings', deliveryEntity: 'q1', createdAt: '2024-01-01T00:00:00Z' };
    store.upsert('acme', sub);
    store.upsert('acme', { ...sub, subscriptionId: 's2' });
    store.upsert('acme', { ...sub, subscriptionId: 's3', subscriberId: 'billing' });
    expect(store.forFeed('acme', 'owoc', 'readings').map((s) => s.subscriptionId).sort()).toEqual(['s2', 's3']);
  });
});

describe('Outbox', () => {
  it('hands out due messages in order, defers failures and deletes only what was sent', () => {
    const outbox = new Outbox(openStore(':memory:'));
    outbox.enqueue('acme', [{ entity: 'q', envelope: envelope('m1') }, { entity: 'q', envelope: envelope('m2') }, { entity: 'q', envelope: envelope('m1') }], 1000);
    expect(outbox.size('acme')).toBe(2);
    const due = outbox.due('acme', 10, 1000);
    expect(due.map((d) => d.envelope.messageId)).toEqual(['m1', 'm2']);
    outbox.defer([due[0]!.id], 'ServiceBusy', 5000);
    expect(outbox.due('acme', 10, 1000).map((d) => d.envelope.messageId)).toEqual(['m2']);
    expect(outbox.due('acme', 10, 5000)[0]).toMatchObject({ attempts: 1 });
    outbox.remove(due.map((d) => d.id));
    expect(outbox.size('acme')).toBe(0);
  });

  it('keeps what was enqueued when the process is killed right after', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'store-'));
    const path = join(dir, 'ohs.db');
    const script = `
      import { openStore } from ${JSON.stringify(new URL('./open-store.ts', import.meta.url).pathname)};
      import { Outbox } from ${JSON.stringify(new URL('./outbox.ts', import.meta.url).pathname)};
      const outbox = new Outbox(openStore(${JSON.stringify(path)}));
      for (let i = 0; i < 50; i++) outbox.enqueue('acme', [{ entity: 'q', envelope: { messageId: 'm' + i, properties: {}, body: i } }]);
      process.stdout.write('enqueued\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('enqueued') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(new Outbox(openStore(path)).size('acme')).toBe(50);
  });
});

describe('FileLedger', () => {
  it('tracks file versions and lists unfinished work', () => {
    const ledger = new FileLedger(openStore(':memory:'));
    const base = { tenantId: 'acme', adapterId: 'cmep', fileName: 'a.cmep', size: 10, mtimeMs: 1, sha256: undefined, blobName: undefined, detail: undefined };
    ledger.record({ ...base, fileId: 'f1', state: 'uploading' });
    ledger.record({ ...base, fileId: 'f2', state: 'done' });
    expect(ledger.unfinished('acme').map((e) => e.fileId)).toEqual(['f1']);
    ledger.record({ ...base, fileId: 'f1', state: 'uploaded', sha256: 'ab', blobName: 'b' });
    expect(ledger.get('acme', 'f1')).toMatchObject({ state: 'uploaded', sha256: 'ab', blobName: 'b' });
  });
});

describe('RequestDedupe', () => {
  it('executes a key once and returns the first answer to repeats', () => {
    const dedupe = new RequestDedupe(openStore(':memory:'));
    expect(dedupe.claim('acme', 'k1', 'r1')).toEqual({ state: 'new' });
    expect(dedupe.claim('acme', 'k1', 'r2')).toEqual({ state: 'executing', requestId: 'r1' });
    const response: ResponseBody = { requestId: 'r1', status: 'completed', result: { v: 1 }, completedAt: '2024-01-01T00:00:00Z' };
    dedupe.answer('acme', 'k1', response);
    expect(dedupe.claim('acme', 'k1', 'r3')).toEqual({ state: 'answered', response });
    expect(dedupe.claim('other', 'k1', 'r4')).toEqual({ state: 'new' });
    dedupe.release('other', 'k1');
    expect(dedupe.claim('other', 'k1', 'r5')).toEqual({ state: 'new' });
  });
});
