import { ServiceBusClient, type ServiceBusMessage, type ServiceBusReceiver, type ServiceBusSender } from '@azure/service-bus';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { entityNames } from '../contracts/entities.js';
import { ENVELOPE_SCHEMA_VERSION, type Envelope, type FeedRecordsBody } from '../contracts/envelope.js';
import type { Reading } from '../contracts/records.js';
import { FeedPublisher } from '../core/mechanisms/feed/feed-publisher.js';
import { OutboxDrainer } from '../core/mechanisms/outbox/outbox-drainer.js';
import type { HybridError } from '../core/sdk/index.js';
import { openStore, Outbox, SubscriptionStore, type StoreDatabase } from '../core/store/index.js';
import { ServiceBusChannel } from '../core/transport/index.js';
import { startServiceBusEmulator, type ServiceBusEmulator } from '../sandbox/servicebus/index.js';
import { collectGarbage, fmt, median, waitFor } from './bench-support.js';
import type { BenchResult } from './report.js';

const SECTION = 'feed';
const RECORDS = 100_000;
const RECORDS_PER_BATCH = 100;
const WARMUP_RECORDS = 10_000;
// Even, so that each arm goes first equally often.
const RUNS = 6;
const PHASE_TIMEOUT_IN_MS = 120_000;
const TENANT = 'acme';
const ADAPTER = 'owoc-interrogation-readings';
const FEED = 'readings';
const SUBSCRIBER = 'analytics';
const SUBSCRIPTION_ID = 'bench-subscription';
const BARE_QUEUE = 'bench-feed-bare';
// A 15-minute interval kWh ReadingType, as the OWOC feed publishes.
const READING_TYPE = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';
const METERS = 5_000;
const INTERVAL_IN_MS = 15 * 60_000;
const FIRST_INTERVAL_END = Date.UTC(2024, 2, 15, 0, 15);

/** Outcome of one timed run. */
interface Run {
  /** Records per second until the queue held every message. */
  rate: number;
  /** Records per second until the arm's own loop finished (ours: every batch durably published). */
  movedRate: number;
  /** Outbox drainer passes during the run (ours only). */
  drainerSends: number;
}

/** One way of moving a feed's records to the subscriber's queue. */
interface Arm {
  readonly label: 'ours' | 'bare';
  readonly queue: string;
  /** Builds the inputs (outside the clock); the returned function moves them and resolves once its own work is done. */
  prepare(prefix: string, batches: readonly Reading[][]): () => Promise<void>;
  close(): Promise<void>;
}

/**
 * Data Feed relay throughput: canonical readings published through {@link FeedPublisher} (durable SQLite
 * commit, one subscriber), drained by {@link OutboxDrainer} over {@link ServiceBusChannel} to the subscriber's
 * queue, against the bare `@azure/service-bus` client sending the same message bodies on the same broker.
 */
export async function feedBench(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ihc-bench-feed-'));
  const deliveryQueue = entityNames.delivery(TENANT, SUBSCRIBER);
  const emulator = await startServiceBusEmulator({ entities: { queues: [{ name: deliveryQueue }, { name: BARE_QUEUE }] } });
  const checker = new ServiceBusClient(emulator.connectionString);
  const arms: Arm[] = [];
  let db: StoreDatabase | undefined;
  let drainer: OutboxDrainer | undefined;
  const receivers: ServiceBusReceiver[] = [];
  try {
    db = openStore(join(dir, 'ohs.db'));
    const outbox = new Outbox(db);
    const subscriptions = new SubscriptionStore(db);
    subscriptions.upsert(TENANT, { subscriptionId: SUBSCRIPTION_ID, subscriberId: SUBSCRIBER, adapterId: ADAPTER, feed: FEED, deliveryEntity: deliveryQueue, createdAt: new Date().toISOString() });
    const channel = ServiceBusChannel.fromConnectionString(emulator.connectionString, { mode: 'amqp' });
    const errors: HybridError[] = [];
    // Counts the drainer's passes (one send per entity per pass); adds nothing measurable to the path.
    const countingSender = {
      sends: 0,
      send(entity: string, envelopes: readonly Envelope[]) {
        this.sends += 1;
        return channel.send(entity, envelopes);
      },
      maxMessageSizeInBytes: (entity: string) => channel.maxMessageSizeInBytes(entity),
    };
    const liveDrainer = new OutboxDrainer({ tenantId: TENANT, outbox, sender: countingSender, onError: (error) => errors.push(error) });
    drainer = liveDrainer;
    const publisher = new FeedPublisher({ db, subscriptions, outbox, wake: () => liveDrainer.wake() });
    liveDrainer.start();
    arms.push(oursArm(publisher, channel, deliveryQueue), bareArm(emulator, BARE_QUEUE));
    const receiverOf = new Map(arms.map((arm) => [arm.label, checker.createReceiver(arm.queue, { receiveMode: 'receiveAndDelete' })] as const));
    receivers.push(...receiverOf.values());

    const runOnce = async (arm: Arm, prefix: string, records: number): Promise<Run> => {
      const batches = readingBatches(records);
      const messages = batches.length;
      const move = arm.prepare(prefix, batches);
      const sendsBefore = countingSender.sends;
      collectGarbage();
      const start = performance.now();
      let movedMs = 0;
      const moved = move().then(() => void (movedMs = performance.now() - start));
      // Both arms stop the clock at the same broker fact: the subscriber's queue holds every message.
      await waitFor(() => queueCount(emulator, arm.queue) >= messages, `${arm.label} ${prefix}: ${messages} messages in ${arm.queue}`, PHASE_TIMEOUT_IN_MS);
      const ms = performance.now() - start;
      await moved;
      if (arm.label === 'ours') await liveDrainer.drained(PHASE_TIMEOUT_IN_MS);
      if (errors.length > 0) throw new Error(`${arm.label} ${prefix}: the drainer reported ${errors.map((e) => e.message).join('; ')}`);
      // Outside the clock: take the messages off again and check that every record arrived exactly once.
      const received = await drainQueue(receiverOf.get(arm.label)!, messages);
      if (received !== records) throw new Error(`${arm.label} ${prefix}: ${records} records sent but ${received} received`);
      if (queueCount(emulator, arm.queue) !== 0) throw new Error(`${arm.label} ${prefix}: ${arm.queue} holds more than was sent`);
      return { rate: (records * 1000) / ms, movedRate: (records * 1000) / movedMs, drainerSends: countingSender.sends - sendsBefore };
    };

    const runs: Record<Arm['label'], Run[]> = { ours: [], bare: [] };
    for (const arm of arms) await runOnce(arm, `warm-${arm.label}`, WARMUP_RECORDS);
    for (let run = 0; run < RUNS; run += 1) {
      // Alternate which arm goes first so drift (GC, heap growth, disk cache) does not favour one side.
      const order = run % 2 === 0 ? arms : [...arms].reverse();
      for (const arm of order) runs[arm.label].push(await runOnce(arm, `${arm.label}-${run}`, RECORDS));
    }
    const rates = { ours: runs.ours.map((r) => r.rate), bare: runs.bare.map((r) => r.rate) };

    const messageBytes = Buffer.byteLength(JSON.stringify({ subscriptionId: SUBSCRIPTION_ID, adapterId: ADAPTER, feed: FEED, records: readingBatches(RECORDS_PER_BATCH)[0] } satisfies FeedRecordsBody));
    return [
      {
        section: SECTION,
        name: `relay ${RECORDS / 1000}k readings → queue`,
        ours: median(rates.ours),
        baseline: median(rates.bare),
        unit: 'records/s',
        note:
          `${RECORDS} canonical Reading records in batches of ${RECORDS_PER_BATCH} (one Service Bus message of ~${(messageBytes / 1024).toFixed(0)} KiB JSON per batch, ${RECORDS / RECORDS_PER_BATCH} messages). ` +
          `ours: FeedPublisher.publish per batch (zod validation + one SQLite transaction, WAL with synchronous=FULL on ${tmpdir()}, one subscriber), yielding to the event loop between batches as separate head-end pushes would, ` +
          `with the OutboxDrainer (default 500 rows a pass) sending over ServiceBusChannel concurrently; clock from the first publish until the subscriber's queue holds every message. ` +
          `bare: ServiceBusClient sender, same bodies, message ids and application properties, createMessageBatch/tryAddMessage/sendMessages, bodies built before the clock, no durability; clock until the queue holds every message. ` +
          `Median of ${RUNS} runs alternating which arm goes first, after a ${WARMUP_RECORDS}-record warm-up per arm, forced GC before each; after each run (untimed) the queue is drained and every record counted. ` +
          `Broker (sandbox emulator, plain TCP) and clients share one Node process on ${availableParallelism()} cores. runs ours [${fmt(rates.ours)}] bare [${fmt(rates.bare)}]; ` +
          `ours' publish loop alone (durable acceptance, drainer running beside it) finished at a median ${fmt([median(runs.ours.map((r) => r.movedRate))])} records/s; the drainer needed a median ${fmt([median(runs.ours.map((r) => r.drainerSends))])} passes for ${RECORDS / RECORDS_PER_BATCH} messages (each pass also commits its deletes in one synchronous=FULL transaction)`,
      },
    ];
  } finally {
    // Clients first: a client whose broker has gone can hang in close.
    await drainer?.stop();
    await Promise.allSettled(arms.map((arm) => arm.close()));
    await Promise.allSettled(receivers.map((receiver) => receiver.close()));
    await checker.close().catch(() => undefined);
    await emulator.close();
    db?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function oursArm(publisher: FeedPublisher, channel: ServiceBusChannel, queue: string): Arm {
  return {
    label: 'ours',
    queue,
    prepare(_prefix, batches) {
      return async () => {
        for (const batch of batches) {
          publisher.publish(TENANT, ADAPTER, FEED, batch);
          await yieldToEventLoop();
        }
      };
    },
    close: () => channel.close(),
  };
}

function bareArm(emulator: ServiceBusEmulator, queue: string): Arm {
  const client = new ServiceBusClient(emulator.connectionString);
  let sender: ServiceBusSender | undefined;
  return {
    label: 'bare',
    queue,
    prepare(prefix, batches) {
      // What the outbox drainer hands the channel for the same batches, written by hand as a bare-client user would.
      const messages: ServiceBusMessage[] = batches.map((records, i) => ({
        messageId: `${prefix}-${i}`,
        correlationId: prefix,
        contentType: 'application/json',
        body: { subscriptionId: SUBSCRIPTION_ID, adapterId: ADAPTER, feed: FEED, records } satisfies FeedRecordsBody,
        applicationProperties: { tenantId: TENANT, kind: 'feed.records', schemaVersion: ENVELOPE_SCHEMA_VERSION, adapterId: ADAPTER, feed: FEED },
      }));
      return async () => {
        sender ??= client.createSender(queue);
        let next = 0;
        while (next < messages.length) {
          const batch = await sender.createMessageBatch();
          while (next < messages.length && batch.tryAddMessage(messages[next]!)) next += 1;
          await sender.sendMessages(batch);
        }
      };
    },
    async close() {
      await sender?.close();
      await client.close();
    },
  };
}

/** `records` readings of 5,000 meters, 15-minute intervals, cut into batches of {@link RECORDS_PER_BATCH}. */
function readingBatches(records: number): Reading[][] {
  const batches: Reading[][] = [];
  for (let start = 0; start < records; start += RECORDS_PER_BATCH) {
    const batch: Reading[] = [];
    for (let i = start; i < Math.min(records, start + RECORDS_PER_BATCH); i += 1) {
      const end = FIRST_INTERVAL_END + Math.floor(i / METERS) * INTERVAL_IN_MS;
      batch.push({
        kind: 'reading',
        meterId: `2.16.840.1.114416.14.9${String(i % METERS).padStart(8, '0')}`,
        readingType: READING_TYPE,
        timestamp: new Date(end).toISOString(),
        intervalStart: new Date(end - INTERVAL_IN_MS).toISOString(),
        value: Math.round(((i * 7919) % 100_000) / 10) / 1000,
        unit: 'kWh',
        quality: 'valid',
        qualityCode: '0.0.0',
      });
    }
    batches.push(batch);
  }
  return batches;
}

/** Receive and delete `messages` messages; returns how many records they carried. */
async function drainQueue(receiver: ServiceBusReceiver, messages: number): Promise<number> {
  let received = 0;
  let records = 0;
  while (received < messages) {
    const batch = await receiver.receiveMessages(Math.min(500, messages - received), { maxWaitTimeInMs: 5_000 });
    if (batch.length === 0) throw new Error(`queue ran dry after ${received} of ${messages} messages`);
    for (const message of batch) records += (message.body as FeedRecordsBody).records.length;
    received += batch.length;
  }
  return records;
}

function queueCount(emulator: ServiceBusEmulator, queue: string): number {
  const stats = emulator.entities.stats().find((s) => s.path === queue);
  return stats ? stats.active + stats.locked + stats.deferred + stats.scheduled : 0;
}
