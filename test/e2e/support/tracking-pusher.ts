import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pushDataArrived, type DataArrivedPayload, type PushCredentials } from '../../../sandbox/simulators/owoc/index.js';

const fifteenMinuteKwh = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';

/** One reading as pushed, keyed the way a subscriber can recognise it. */
export interface PushedReadingKey {
  key: string;
  batch: number;
}

/** Options of {@link startTrackingPusher}. */
export interface TrackingPusherOptions {
  targetUrl: string;
  credentials: PushCredentials;
  /** Prefix of the meter ids, unique per test run. */
  meterPrefix: string;
  /** Pushes in flight at once. Default 4. */
  concurrency?: number;
  metersPerBatch?: number;
  intervalsPerBatch?: number;
}

/**
 * A head-end that pushes DataArrived batches as fast as the subscriber acknowledges them, and records
 * exactly which batches were acknowledged (the head-end's view: what it may now forget) and which
 * failed (unknown outcome: stored or not). Every batch holds readings no other batch holds, so a
 * reading identifies its batch.
 */
export class TrackingPusher {
  readonly acknowledged = new Set<number>();
  readonly failed = new Map<number, string>();
  readonly #o: Required<TrackingPusherOptions>;
  readonly #agent: Agent;
  #next = 0;
  #stopped = false;
  #workers: Array<Promise<void>> = [];

  constructor(options: TrackingPusherOptions) {
    this.#o = { concurrency: 4, metersPerBatch: 5, intervalsPerBatch: 4, ...options };
    this.#agent = new Agent({ keepAlive: true, maxSockets: this.#o.concurrency });
  }

  /** Batches started so far. */
  get started(): number {
    return this.#next;
  }

  /** Start the workers. */
  start(): this {
    this.#stopped = false;
    this.#workers = Array.from({ length: this.#o.concurrency }, () => this.#work());
    return this;
  }

  /** Stop starting batches and wait for those in flight to be answered or to fail. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#workers);
  }

  /** Close pooled connections. */
  close(): void {
    this.#agent.destroy();
  }

  /** Meter id of meter `m` (0-based). */
  meterId(m: number): string {
    return `${this.#o.meterPrefix}-${String(m).padStart(3, '0')}`;
  }

  /** The payload of batch `index`: each meter's next intervals, continuing the series of the previous batch. */
  payload(index: number): DataArrivedPayload {
    const { metersPerBatch, intervalsPerBatch } = this.#o;
    const first = Date.parse('2024-01-01T00:15:00Z');
    return {
      requestToken: `batch-${index}`,
      meterReadings: Array.from({ length: metersPerBatch }, (_, m) => ({
        meter: this.meterId(m),
        intervalBlocks: [
          {
            readingType: fifteenMinuteKwh,
            intervalReadings: Array.from({ length: intervalsPerBatch }, (_, i) => {
              const n = index * intervalsPerBatch + i;
              return { end: new Date(first + n * 15 * 60_000).toISOString().replace('.000Z', 'Z'), value: ((n * 37 + m * 11) % 1000) / 1000 };
            }),
          },
        ],
      })),
    };
  }

  /** Keys (`meter|timestamp|value`) of every reading of a batch. */
  keys(index: number): string[] {
    return this.payload(index).meterReadings.flatMap((m) => m.intervalBlocks![0]!.intervalReadings.map((r) => readingKey(m.meter, r.end, Number(r.value))));
  }

  /** The batch a reading key belongs to, if it is one of ours. */
  batchOf(key: string): number | undefined {
    const [meter, timestamp] = key.split('|');
    if (!meter?.startsWith(`${this.#o.meterPrefix}-`)) return undefined;
    const n = (Date.parse(timestamp!) - Date.parse('2024-01-01T00:15:00Z')) / (15 * 60_000);
    return Number.isInteger(n) && n >= 0 ? Math.floor(n / this.#o.intervalsPerBatch) : undefined;
  }

  /** Records per batch. */
  get recordsPerBatch(): number {
    return this.#o.metersPerBatch * this.#o.intervalsPerBatch;
  }

  async #work(): Promise<void> {
    while (!this.#stopped) {
      const index = this.#next;
      this.#next += 1;
      try {
        const ack = await pushDataArrived(this.#o.targetUrl, this.payload(index), { agent: this.#agent, credentials: this.#o.credentials, timeoutInMs: 15_000 });
        if (ack.recordsAccepted !== this.recordsPerBatch) this.failed.set(index, `acknowledged ${ack.recordsAccepted} of ${this.recordsPerBatch} records`);
        else this.acknowledged.add(index);
      } catch (error) {
        this.failed.set(index, (error as Error).message);
        // A head-end backs off before pushing again.
        await sleep(100);
      }
    }
  }
}

/** How a delivered reading is recognised. */
export function readingKey(meterId: string, timestamp: string, value: number): string {
  return `${meterId}|${timestamp}|${value}`;
}
