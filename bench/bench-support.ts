import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Decimal megabyte, the unit the benchmark table prints (MB/s, MB). */
export const MB = 1_000_000;

/** Milliseconds `work` took. */
export async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** `work`, or a rejection naming `what` once `timeoutInMs` passed. */
export async function withTimeout<T>(work: Promise<T>, what: string, timeoutInMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutInMs} ms`)), timeoutInMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Poll `condition` every millisecond until it holds, or reject after `timeoutInMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutInMs: number): Promise<void> {
  const until = performance.now() + timeoutInMs;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`${what} did not happen within ${timeoutInMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Start a timed phase with a clean heap, so one arm does not pay for the other's garbage.
 * `npm run bench` runs without --expose-gc; the flag can be turned on at run time and the function read from a fresh context.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
let gc: (() => void) | undefined;

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list: p99 of 200 samples is the 198th smallest. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

/** Numbers joined for a note. */
export function fmt(values: readonly number[], digits = 0): string {
  return values.map((v) => v.toFixed(digits)).join(', ');
}
