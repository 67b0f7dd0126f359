import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../contracts/records.js';
import { createLogger } from '../../log/index.js';
import { isHybridError } from '../../sdk/index.js';
import { openStore, Outbox, SubscriptionStore } from '../../store/index.js';
import { FeedPublisher } from './feed-publisher.js';

const reading = (i: number): Reading => ({ kind: 'reading', meterId: `M${i}`, readingType: 'rt', timestamp: '2024-03-15T00:15:00Z', value: i, unit: 'kWh', quality: 'valid' });

function setup(maxRecordsPerMessage = 500) {
  const db = openStore(':memory:');
  const subscriptions = new SubscriptionStore(db);
  const outbox = new Outbox(db);
  let wakes = 0;
  const publisher = new FeedPublisher({ db, subscriptions, outbox, wake: () => void (wakes += 1), maxRecordsPerMessage });
  const subscribe = (id: string, feed = 'readings') =>
    subscriptions.upsert('acme', { subscriptionId: id, subscriberId: id, adapterId: 'owoc', feed, deliveryEntity: `ihc.acme.deliveries.${id}`, createdAt: '2024-01-01T00:00:00Z' });
  return { publisher, outbox, subscribe, wakes: () => wakes };
}

describe('FeedPublisher', () => {
  it('fans a batch out to every subscriber of the feed, split into messages', () => {
    const { publisher, outbox, subscribe, wakes } = setup(2);
    subscribe('a');
    subscribe('b');
    subscribe('c', 'events');
    const receipt = publisher.publish('acme', 'owoc', 'readings', [reading(1), reading(2), reading(3)]);
    expect(receipt).toMatchObject({ accepted: 3, subscribers: 2 });
    const queued = outbox.due('acme', 100);
    expect(queued.map((q) => q.entity)).toEqual(['ihc.acme.deliveries.a', 'ihc.acme.deliveries.a', 'ihc.acme.deliveries.b', 'ihc.acme.deliveries.b']);
    expect(queued.flatMap((q) => (q.envelope.body as { records: Reading[] }).records).map((r) => r.meterId)).toEqual(['M1', 'M2', 'M3', 'M1', 'M2', 'M3']);
    expect(queued[0]!.envelope.properties).toMatchObject({ kind: 'feed.records', adapterId: 'owoc', feed: 'readings' });
    expect(wakes()).toBe(1);
  });

  it('stores nothing of a batch that holds one invalid record', () => {
    const { publisher, outbox, subscribe } = setup();
    subscribe('a');
    const bad = { ...reading(2), timestamp: '2024-03-15 00:15' } as Reading;
    expect(() => publisher.publish('acme', 'owoc', 'readings', [reading(1), bad])).toThrow(/record 1: timestamp/);
    expect(outbox.size('acme')).toBe(0);
  });

  it('refuses feeds the adapter did not declare', async () => {
    const { publisher } = setup();
    const ctx = publisher.contextFor({ tenantId: 'acme', log: createLogger({ level: 'silent' }), signal: new AbortController().signal }, 'owoc', ['readings']);
    await expect(ctx.publish('alarms', [reading(1)])).rejects.toSatisfy((e: unknown) => isHybridError(e, 'unknown-feed'));
    await expect(ctx.publish('readings', [reading(1)])).resolves.toMatchObject({ accepted: 1 });
  });
});
