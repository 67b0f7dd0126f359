import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../contracts/records.js';
import { startE2eStack, type E2eStack } from './support/e2e-stack.js';
import { readingKey, TrackingPusher } from './support/tracking-pusher.js';
import { waitFor } from './support/wait-for.js';

// Crash safety of the Data Feed: the OHS is SIGKILLed while a head-end pushes and while Service Bus
// refuses deliveries, so acknowledged readings exist only in the OHS's store at the moment of the
// crash. After a restart every acknowledged reading must reach the subscriber (at least once:
// redeliveries carry the same message id).

const adapterId = 'owoc-interrogation-readings';
const feed = 'interrogation-readings';

let e2e: E2eStack;
let pusher: TrackingPusher | undefined;

beforeAll(async () => {
  e2e = await startE2eStack('crash-feed');
  await e2e.subscribe(adapterId, feed);
}, 120_000);

afterAll(async () => {
  await pusher?.stop().catch(() => undefined);
  pusher?.close();
  await e2e?.close();
}, 60_000);

/** Keys of every reading delivered so far, every delivery counted. */
const deliveredKeys = (): string[] => e2e.deliveries.readings(feed).map((r: Reading) => readingKey(r.meterId, r.timestamp, r.value));

describe('crash safety of the Data Feed', () => {
  it('delivers every reading acknowledged to the head-end before a SIGKILL, after the OHS restarts', async ({ annotate }) => {
    const { stack } = e2e;
    const tracking = new TrackingPusher({ targetUrl: stack.endpoints.ohs.feedEndpoint, credentials: stack.pushCredentials, meterPrefix: `CRASH-${randomUUID().slice(0, 8)}` });
    pusher = tracking;
    const deliveredSet = (): Set<string> => new Set(deliveredKeys());
    const undelivered = (batches: Iterable<number>): string[] => {
      const delivered = deliveredSet();
      return [...batches].flatMap((b) => tracking.keys(b)).filter((k) => !delivered.has(k));
    };

    // 1. The head-end pushes; readings flow through to the subscriber.
    tracking.start();
    await waitFor(() => tracking.acknowledged.size >= 10 && undelivered(tracking.acknowledged).length < tracking.acknowledged.size * tracking.recordsPerBatch, {
      what: '10 acknowledged batches, some of them delivered',
      timeoutInMs: 30_000,
      explain: () => `acknowledged ${tracking.acknowledged.size}, failed ${tracking.failed.size}: ${[...tracking.failed.values()].slice(0, 3).join('; ')}`,
    });

    // 2. Service Bus turns the subscriber's delivery queue away: the OHS keeps acknowledging pushes
    //    (they are stored locally) but cannot hand them on.
    const busySince = tracking.acknowledged.size;
    stack.broker.faults.serverBusy({ entityPath: e2e.service.deliveryEntity, durationInMs: 120_000 });
    await waitFor(() => tracking.acknowledged.size >= busySince + 10, { what: '10 more acknowledged batches while deliveries are refused', timeoutInMs: 30_000 });

    // 3. Crash, mid-push. The pushes in flight fail; every acknowledgement the head-end got (counted
    //    once they have all settled, before any restart) was sent before the process died.
    await stack.ohs().kill();
    await tracking.stop();
    const acknowledgedAtKill = new Set(tracking.acknowledged);
    const pendingAtKill = undelivered(acknowledgedAtKill);
    // The point of the test: acknowledged readings that were only in the OHS's store when it died.
    expect(pendingAtKill.length).toBeGreaterThan(0);

    // 4. Service Bus recovers, the OHS comes back on the same store, the head-end pushes again.
    stack.broker.faults.reset();
    await stack.restartOhs();
    const resumed = new TrackingPusher({ targetUrl: stack.endpoints.ohs.feedEndpoint, credentials: stack.pushCredentials, meterPrefix: `AFTER-${randomUUID().slice(0, 8)}`, concurrency: 1 });
    try {
      resumed.start();
      await waitFor(() => resumed.acknowledged.size >= 3, {
        what: '3 acknowledged pushes after the restart',
        timeoutInMs: 30_000,
        explain: () => `failed: ${[...resumed.failed.values()].slice(0, 3).join('; ')}`,
      });
      await resumed.stop();
    } finally {
      resumed.close();
    }
    const afterRestart = new Set(resumed.acknowledged);

    // 5. Every acknowledged reading arrives: those from before the crash and those after it.
    const expected = [...[...acknowledgedAtKill].flatMap((b) => tracking.keys(b)), ...[...afterRestart].flatMap((b) => resumed.keys(b))];
    await waitFor(
      () => {
        const delivered = deliveredSet();
        return expected.every((k) => delivered.has(k));
      },
      {
        what: `all ${expected.length} acknowledged readings at the subscriber`,
        timeoutInMs: 90_000,
        explain: () => {
          const delivered = deliveredSet();
          const missing = expected.filter((k) => !delivered.has(k));
          return `${missing.length} missing, e.g. ${missing.slice(0, 5).join(', ')}`;
        },
      },
    );

    // Nothing but what was pushed: each delivered reading belongs to a batch the head-end sent
    // (acknowledged, or cut off by the crash: those may or may not have been stored).
    for (const key of deliveredKeys()) {
      const batch = tracking.batchOf(key) ?? resumed.batchOf(key);
      expect(batch, `delivered reading ${key} was never pushed`).toBeDefined();
    }
    // Duplicates only as redeliveries of one message (same id, same body): counted once per message
    // id, no reading arrives twice.
    const byId = new Map<string, unknown>();
    for (const envelope of e2e.deliveries.feedRecords(feed)) {
      if (byId.has(envelope.messageId)) expect(envelope.body, `redelivery of ${envelope.messageId} differs`).toStrictEqual(byId.get(envelope.messageId));
      else byId.set(envelope.messageId, envelope.body);
    }
    const onceEach = [...byId.values()].flatMap((body) => (body as { records: Reading[] }).records.map((r) => readingKey(r.meterId, r.timestamp, r.value)));
    expect(onceEach.length).toBe(new Set(onceEach).size);
    expect(e2e.deliveries.violations).toEqual([]);
    await annotate(
      `acknowledged before the kill: ${acknowledgedAtKill.size} batches (${acknowledgedAtKill.size * tracking.recordsPerBatch} readings), ` +
        `${pendingAtKill.length} of them only in the OHS store at the kill; cut off by the kill: ${tracking.failed.size} pushes; ` +
        `after the restart: ${afterRestart.size} batches; messages delivered: ${e2e.deliveries.feedRecords(feed).length} (${e2e.deliveries.feedRecords(feed).length - byId.size} redeliveries)`,
    );
  }, 180_000);
});
