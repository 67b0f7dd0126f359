/** Options of {@link Backoff}. */
export interface BackoffOptions {
  initialDelayInMs?: number;
  maxDelayInMs?: number;
  /** Multiplier applied after each failure. */
  factor?: number;
}

/**
 * Exponential backoff with full jitter that resets on success, so one bad minute does not slow the
 * next hour: callers report `failed()` / `succeeded()` and wait `next()` between attempts.
 */
export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #factor: number;
  #failures = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initial = options.initialDelayInMs ?? 200;
    this.#max = options.maxDelayInMs ?? 30_000;
    this.#factor = options.factor ?? 2;
  }

  /** Consecutive failures since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /** Record a failure and return how long to wait before the next attempt. */
  failed(): number {
    this.#failures += 1;
    return backoffDelay(this.#failures, { initialDelayInMs: this.#initial, maxDelayInMs: this.#max, factor: this.#factor });
  }

  /** Record a success: the next failure starts from the initial delay again. */
  succeeded(): void {
    this.#failures = 0;
  }
}

/** Delay before attempt number `attempt` (1-based): growing from the initial delay, capped, with jitter in [50%, 100%]. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const ceiling = Math.min(options.maxDelayInMs ?? 30_000, (options.initialDelayInMs ?? 200) * (options.factor ?? 2) ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Sleep that ends early (rejecting with the signal's reason) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
