/** Exponential backoff settings. */
export interface BackoffOptions {
  /** First delay; 500 ms by default. */
  initialDelayInMs?: number;
  /** Ceiling of any delay; 30 s by default. */
  maxDelayInMs?: number;
}

/** Delay before retry number `attempt` (1-based): doubling from the initial delay, capped, with jitter in [50%, 100%]. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayInMs ?? 500;
  const max = options.maxDelayInMs ?? 30_000;
  const ceiling = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** A promise that resolves after `ms`, or rejects when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
