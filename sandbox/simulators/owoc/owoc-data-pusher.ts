import { Agent } from 'node:http';
import { formatUtc } from '../../../adapters/owoc/shared/utc-timestamp.js';
import type { DataArrivedPayload, PushCredentials } from './data-arrived-envelope.js';
import { pushDataArrived } from './push-data-arrived.js';
import { meterHash, round, simulatedMeterId } from './simulated-values.js';

/** 15-minute delta forward active energy, kWh. */
export const fifteenMinuteKwh = '0.0.2.4.1.1.12.0.0.0.0.0.0.0.0.3.72.0';

/** Options of {@link startOwocDataPusher}. */
export interface OwocDataPusherOptions {
  /** The subscriber endpoint (the adapter's endpointUrl). */
  targetUrl: string;
  /** Meters per batch. Default 10. */
  meters?: number;
  /** 15-minute intervals per meter per batch. Default 4. */
  intervalsPerBatch?: number;
  /** Batches started per second. Default 1. */
  batchesPerSecond?: number;
  /** Batches pushed at once at most; a tick finding this many in flight is skipped. Default 4. */
  maxInFlight?: number;
  /** Stop after this many batches. Default: run until stopped. */
  maxBatches?: number;
  /** End of the first batch's first interval; later batches continue the series. Default 2024-03-15T00:15:00Z. */
  firstIntervalEnd?: string;
  credentials?: PushCredentials;
  /** Told about every failed push. */
  onError?: (error: unknown) => void;
}

/** Counters of a running pusher. */
export interface OwocDataPusherStats {
  batchesSent: number;
  batchesAcknowledged: number;
  batchesFailed: number;
  /** Ticks skipped because maxInFlight batches were still pending. */
  batchesSkipped: number;
  readingsAcknowledged: number;
  lastError: string | undefined;
}

/** A running pusher. */
export interface OwocDataPusher {
  /** Live counters. */
  readonly stats: Readonly<OwocDataPusherStats>;
  /** Resolves once maxBatches were sent and answered, or once stopped. */
  readonly done: Promise<void>;
  /** Stop starting batches, wait for those in flight, close connections. */
  stop(): Promise<void>;
}

/**
 * A head-end that pushes DataArrived batches of 15-minute kWh interval readings to a subscriber
 * URL at a steady rate: `meters` meters × `intervalsPerBatch` intervals per batch, each batch
 * continuing the series of the previous one.
 */
export function startOwocDataPusher(options: OwocDataPusherOptions): OwocDataPusher {
  const meters = options.meters ?? 10;
  const intervals = options.intervalsPerBatch ?? 4;
  const perSecond = options.batchesPerSecond ?? 1;
  const maxInFlight = options.maxInFlight ?? 4;
  if (!(meters >= 1 && intervals >= 1 && perSecond > 0 && maxInFlight >= 1)) throw new RangeError('meters, intervalsPerBatch, maxInFlight must be >= 1 and batchesPerSecond > 0');
  const firstEnd = Date.parse(options.firstIntervalEnd ?? '2024-03-15T00:15:00Z');
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const stats: OwocDataPusherStats = { batchesSent: 0, batchesAcknowledged: 0, batchesFailed: 0, batchesSkipped: 0, readingsAcknowledged: 0, lastError: undefined };
  const pending = new Set<Promise<void>>();
  let batchIndex = 0;
  let stopped = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const tick = (): void => {
    if (stopped) return;
    if (options.maxBatches !== undefined && batchIndex >= options.maxBatches) {
      clearInterval(timer);
      void Promise.all(pending).then(resolveDone);
      return;
    }
    if (pending.size >= maxInFlight) {
      stats.batchesSkipped += 1;
      return;
    }
    const payload = batch(batchIndex, meters, intervals, firstEnd);
    batchIndex += 1;
    stats.batchesSent += 1;
    const push = pushDataArrived(options.targetUrl, payload, { agent, credentials: options.credentials })
      .then((ack) => {
        stats.batchesAcknowledged += 1;
        stats.readingsAcknowledged += ack.recordsAccepted;
      })
      .catch((error: unknown) => {
        stats.batchesFailed += 1;
        stats.lastError = error instanceof Error ? error.message : String(error);
        options.onError?.(error);
      })
      .finally(() => pending.delete(push));
    pending.add(push);
  };
  const timer = setInterval(tick, Math.max(1, Math.round(1000 / perSecond)));
  tick();

  return {
    stats,
    done,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(pending);
      agent.destroy();
      resolveDone();
    },
  };
}

/** The payload of batch `index`: every meter's next `intervals` 15-minute values. */
function batch(index: number, meters: number, intervals: number, firstEnd: number): DataArrivedPayload {
  const meterReadings = Array.from({ length: meters }, (_, m) => {
    const meter = simulatedMeterId(m + 1);
    const hash = meterHash(meter);
    const intervalReadings = Array.from({ length: intervals }, (_, i) => {
      const n = index * intervals + i;
      return { end: formatUtc(firstEnd + n * 15 * 60_000), value: round(0.2 + ((hash + n * 7919) % 600) / 1000, 3) };
    });
    return { meter, intervalBlocks: [{ readingType: fifteenMinuteKwh, intervalReadings }] };
  });
  return { requestToken: `sim-batch-${index + 1}`, meterReadings };
}
