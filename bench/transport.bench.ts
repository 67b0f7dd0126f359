import { ServiceBusClient, type ServiceBusMessage, type ServiceBusReceivedMessage, type ServiceBusSender } from '@azure/service-bus';
import { availableParallelism } from 'node:os';
import { envelopeProperties, type Envelope } from '../contracts/envelope.js';
import { ServiceBusChannel } from '../core/transport/index.js';
import { startServiceBusEmulator, type ServiceBusEmulator } from '../sandbox/servicebus/index.js';
import type { BenchResult } from './report.js';
import { collectGarbage, fmt, median, timed, withTimeout } from './bench-support.js';

const SECTION = 'transport';
const MESSAGES = 20_000;
const BODY_BYTES = 1024;
const WARMUP_MESSAGES = 1_000;
// Even, so that each arm goes first equally often: in A/A runs (bare vs bare) the first arm of a pair lost ~2 %.
const RUNS = 6;
// What the tenant runtime subscribes its inbound entity with (core/runtime/tenant-runtime.ts).
const MAX_CONCURRENT_CALLS = 8;
const PHASE_TIMEOUT_IN_MS = 60_000;
const TENANT = 'acme';

/** One way of moving messages: our channel, or the bare client doing the same work by hand. */
interface Arm {
  readonly label: 'ours' | 'bare';
  readonly queue: string;
  /** Sends `count` messages with ids `${prefix}-${i}`; the inputs are built before the clock starts. */
  prepare(prefix: string, count: number): () => Promise<void>;
  /** Starts receiving and completing; `handled` resolves once `count` handlers have run, `stop` ends the subscription. */
  drain(count: number): Promise<Drain>;
  close(): Promise<void>;
}

interface Drain {
  handled: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Transport throughput of {@link ServiceBusChannel} against the bare `@azure/service-bus` client on the
 * same in-process sandbox broker: sending 20,000 × 1 KiB, and receiving + completing them.
 */
export async function transportBench(): Promise<BenchResult[]> {
  const queues = { oursQueue: 'bench-ours', bareQueue: 'bench-bare' };
  const emulator = await startServiceBusEmulator({ entities: { queues: [{ name: queues.oursQueue }, { name: queues.bareQueue }] } });
  const arms: Arm[] = [];
  try {
    arms.push(oursArm(emulator, queues.oursQueue), bareArm(emulator, queues.bareQueue));
    const send: Record<Arm['label'], number[]> = { ours: [], bare: [] };
    const receive: Record<Arm['label'], number[]> = { ours: [], bare: [] };

    for (const arm of arms) await runOnce(emulator, arm, `warm-${arm.label}`, WARMUP_MESSAGES);
    for (let run = 0; run < RUNS; run += 1) {
      // Alternate which arm goes first so drift (GC, heap growth, thermal) does not favour one side.
      const order = run % 2 === 0 ? arms : [...arms].reverse();
      for (const arm of order) {
        const rates = await runOnce(emulator, arm, `${arm.label}-${run}`, MESSAGES);
        send[arm.label].push(rates.send);
        receive[arm.label].push(rates.receive);
      }
    }

    const setup = `${MESSAGES} msgs × ${BODY_BYTES} B JSON body + envelope application properties, identical on the wire in both arms; median of ${RUNS} runs alternating which arm goes first, after a ${WARMUP_MESSAGES}-msg warm-up per arm, forced GC before each timed phase; broker (sandbox emulator) and clients share one Node process on ${availableParallelism()} cores, so absolute rates are lower than against Azure and other work on the machine adds ±5-8 % noise per run`;
    return [
      {
        section: SECTION,
        name: 'send 20k × 1 KiB',
        ours: median(send.ours),
        baseline: median(send.bare),
        unit: 'msg/s',
        note: `channel.send(queue, envelopes) vs createMessageBatch/tryAddMessage/sendMessages loop; ${setup}; runs ours [${fmt(send.ours)}] bare [${fmt(send.bare)}]`,
      },
      {
        section: SECTION,
        name: 'receive + complete 20k',
        ours: median(receive.ours),
        baseline: median(receive.bare),
        unit: 'msg/s',
        note: `pre-filled queue (the send run's messages) drained by channel.subscribe vs receiver.subscribe({ autoCompleteMessages: false }) + completeMessage after the handler, maxConcurrentCalls ${MAX_CONCURRENT_CALLS} both; timed from subscribe until the broker holds no message; runs ours [${fmt(receive.ours)}] bare [${fmt(receive.bare)}]`,
      },
    ];
  } finally {
    // Clients first: a client whose broker has gone can hang in close.
    await Promise.allSettled(arms.map((arm) => arm.close()));
    await emulator.close();
  }
}

/** Send `count` messages, then drain them; returns both rates in msg/s. */
async function runOnce(emulator: ServiceBusEmulator, arm: Arm, prefix: string, count: number): Promise<{ send: number; receive: number }> {
  const send = arm.prepare(prefix, count);
  collectGarbage();
  const sendMs = await timed(() => withTimeoutPhase(send(), `${arm.label} send`));
  const held = queueCount(emulator, arm.queue);
  if (held !== count) throw new Error(`${arm.label}: expected ${count} messages in ${arm.queue} after sending, found ${held}`);
  collectGarbage();
  let drain: Drain | undefined;
  let receiveMs: number;
  try {
    receiveMs = await timed(async () => {
      drain = await arm.drain(count);
      await withTimeoutPhase(drain.handled, `${arm.label} receive`);
      // Handlers have run; the last completions may still be in flight. Both arms stop the clock at the same broker fact.
      await withTimeoutPhase(waitUntilEmpty(emulator, arm.queue), `${arm.label} settle`);
    });
  } finally {
    // Closing links is not part of the throughput, and would weigh on the arm whose close is slower.
    await drain?.stop();
  }
  return { send: (count * 1000) / sendMs, receive: (count * 1000) / receiveMs };
}

function oursArm(emulator: ServiceBusEmulator, queue: string): Arm {
  const channel = ServiceBusChannel.fromConnectionString(emulator.connectionString, { mode: 'amqp' });
  return {
    label: 'ours',
    queue,
    prepare(prefix, count) {
      const envelopes: Envelope[] = Array.from({ length: count }, (_, i) => ({
        messageId: `${prefix}-${i}`,
        properties: envelopeProperties(TENANT, 'feed.records', { adapterId: 'bench', feed: 'readings' }),
        body: body(i),
      }));
      return () => channel.send(queue, envelopes);
    },
    async drain(count) {
      let handled = 0;
      let done!: () => void;
      let failed!: (error: Error) => void;
      const finished = new Promise<void>((resolve, reject) => ((done = resolve), (failed = reject)));
      const subscription = await channel.subscribe(
        queue,
        async () => {
          handled += 1;
          if (handled === count) done();
        },
        { processError: (error) => failed(error), maxConcurrentCalls: MAX_CONCURRENT_CALLS },
      );
      return { handled: finished, stop: () => subscription.close() };
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
    prepare(prefix, count) {
      // What toServiceBusMessage produces for the same envelope, written by hand as a bare-client user would.
      const messages: ServiceBusMessage[] = Array.from({ length: count }, (_, i) => ({
        messageId: `${prefix}-${i}`,
        contentType: 'application/json',
        body: body(i),
        applicationProperties: { tenantId: TENANT, kind: 'feed.records', schemaVersion: '1.0', adapterId: 'bench', feed: 'readings' },
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
    async drain(count) {
      const receiver = client.createReceiver(queue, { receiveMode: 'peekLock' });
      let handled = 0;
      let done!: () => void;
      let failed!: (error: Error) => void;
      const finished = new Promise<void>((resolve, reject) => ((done = resolve), (failed = reject)));
      const handle = receiver.subscribe(
        {
          processMessage: async (message: ServiceBusReceivedMessage) => {
            handled += 1;
            if (handled === count) done();
            await receiver.completeMessage(message);
          },
          processError: async (args) => failed(args.error),
        },
        { autoCompleteMessages: false, maxConcurrentCalls: MAX_CONCURRENT_CALLS },
      );
      return {
        handled: finished,
        stop: async () => {
          await handle.close();
          await receiver.close();
        },
      };
    },
    async close() {
      await sender?.close();
      await client.close();
    },
  };
}

/** A JSON body of exactly {@link BODY_BYTES} bytes. */
function body(i: number): { seq: number; pad: string } {
  const overhead = JSON.stringify({ seq: i, pad: '' }).length;
  return { seq: i, pad: 'x'.repeat(BODY_BYTES - overhead) };
}

function queueCount(emulator: ServiceBusEmulator, queue: string): number {
  const stats = emulator.entities.stats().find((s) => s.path === queue);
  return stats ? stats.active + stats.locked + stats.deferred + stats.scheduled : 0;
}

async function waitUntilEmpty(emulator: ServiceBusEmulator, queue: string): Promise<void> {
  while (queueCount(emulator, queue) > 0) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** A phase of this section, bounded by the section's phase timeout. */
function withTimeoutPhase<T>(work: Promise<T>, what: string): Promise<T> {
  return withTimeout(work, what, PHASE_TIMEOUT_IN_MS);
}
