/**
 * The one error class of the system. Every failure that crosses a boundary (adapter -> core,
 * core -> cloud caller) is a HybridError with a code from this closed union, so callers can
 * switch on `code` and decide on retries from `retryable` without parsing messages.
 */
export const errorCodes = [
  'invalid-manifest', // an adapter definition is wrong (programming error)
  'invalid-config', // plugins.json or an adapter's config is wrong
  'invalid-input', // a request, push or file is malformed
  'unknown-adapter',
  'unknown-feed',
  'unknown-operation',
  'adapter-not-started',
  'adapter-stopped',
  'timeout', // a deadline passed
  'head-end-unavailable', // the head-end could not be reached (retryable)
  'head-end-fault', // the head-end answered with a fault
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'too-large',
  'transport', // Service Bus / Blob failure after translation
  'internal',
] as const;

/** A code of the closed error union. */
export type ErrorCode = (typeof errorCodes)[number];

/** Options for {@link HybridError}. */
export interface HybridErrorOptions {
  /** Whether the same call may succeed if tried again later. Defaults per code. */
  retryable?: boolean;
  cause?: unknown;
  /** Structured facts for logs and callers (never secrets). */
  details?: Record<string, unknown>;
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set(['timeout', 'head-end-unavailable', 'transport']);

/** The base error of Hybrid Connector: a code, a retryable flag and a human message. */
export class HybridError extends Error {
  override readonly name = 'HybridError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: HybridErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.details = options.details;
  }

  /** The shape sent to cloud callers: no stack, no cause, no library internals. */
  toJSON(): { code: ErrorCode; message: string; retryable: boolean } {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** Name-based guard, so errors from another copy of the module are still recognised. */
export function isHybridError(error: unknown, code?: ErrorCode): error is HybridError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'HybridError' &&
    typeof (error as { code?: unknown }).code === 'string' &&
    (code === undefined || (error as { code: string }).code === code)
  );
}

/** Translate anything thrown into a HybridError, keeping the original as `cause` (never as the message to callers). */
export function toHybridError(error: unknown, fallback: ErrorCode = 'internal'): HybridError {
  if (isHybridError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HybridError(fallback, message, { cause: error });
}
