import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. */
  timeoutInMs: number;
  /** Pause between probes. Default 100 ms. */
  intervalInMs?: number;
  /** What is awaited, for the failure message. */
  what: string;
  /** Extra facts for the failure message (called once, on timeout). */
  explain?: () => string | Promise<string>;
}

/**
 * Bounded polling: resolves with the first value `probe` returns that is not undefined (or false),
 * rejects with a message naming what was awaited once the timeout passed. No test asserts on timing;
 * the timeout only bounds how long a broken system is waited for.
 */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, options: WaitForOptions): Promise<T> {
  const until = Date.now() + options.timeoutInMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= until) {
      const extra = options.explain ? `\n${await options.explain()}` : '';
      const cause = lastError === undefined ? '' : `\nlast probe error: ${(lastError as Error)?.message ?? String(lastError)}`;
      throw new Error(`timed out after ${options.timeoutInMs} ms waiting for ${options.what}${cause}${extra}`);
    }
    await sleep(options.intervalInMs ?? 100);
  }
}
