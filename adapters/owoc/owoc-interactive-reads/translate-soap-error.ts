import { HybridError } from '../../../core/sdk/index.js';
import { clip } from '../shared/map-meter-readings.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
const TIMED_OUT = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/** Where the call went and why it may have been cut short. */
export interface SoapCallContext {
  /** SOAP operation, e.g. InteractiveRead. */
  operation: string;
  /** host:port of the head-end, for messages (never credentials). */
  target: string;
  /** Set when our own signal cut the call: the deadline passed, or the adapter is stopping. */
  abortedBy?: 'deadline' | 'stop';
}

/**
 * Translate what the soap client throws into a HybridError a cloud caller can act on: our deadline
 * → `timeout`, stop → `adapter-stopped`, a SOAP fault → `head-end-fault` (its faultstring, clipped,
 * without stack), no connection → `head-end-unavailable` (retryable), a call timeout → `timeout`.
 */
export function translateSoapError(error: unknown, context: SoapCallContext): HybridError {
  const { operation, target } = context;
  if (context.abortedBy === 'stop') return new HybridError('adapter-stopped', `${operation} was cancelled: the adapter is stopping`, { cause: error });
  if (context.abortedBy === 'deadline') return new HybridError('timeout', `${operation} did not finish before the request deadline`, { cause: error });
  const e = error as { code?: unknown; root?: { Envelope?: { Body?: { Fault?: { faultcode?: unknown; faultstring?: unknown } } } }; response?: { status?: unknown } };
  const fault = e?.root?.Envelope?.Body?.Fault;
  if (fault !== undefined) {
    const code = text(fault.faultcode) ?? 'unknown';
    const message = text(fault.faultstring) ?? 'no fault string';
    return new HybridError('head-end-fault', `the head-end answered ${operation} with a SOAP fault (${clip(code)}): ${clip(message)}`, { cause: error, details: { operation, faultCode: code } });
  }
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code !== undefined && TIMED_OUT.has(code)) return new HybridError('timeout', `the head-end at ${target} did not answer ${operation} in time`, { cause: error, details: { operation } });
  if (code !== undefined && UNREACHABLE.has(code)) return new HybridError('head-end-unavailable', `the head-end at ${target} could not be reached (${code})`, { cause: error, details: { operation } });
  const status = typeof e?.response?.status === 'number' ? e.response.status : undefined;
  if (status !== undefined) {
    if (status === 502 || status === 503 || status === 504) return new HybridError('head-end-unavailable', `the head-end at ${target} answered ${operation} with HTTP ${status}`, { cause: error, details: { operation, status } });
    return new HybridError('head-end-fault', `the head-end at ${target} answered ${operation} with HTTP ${status} and no SOAP answer`, { cause: error, details: { operation, status } });
  }
  return new HybridError('internal', `${operation} failed unexpectedly`, { cause: error, details: { operation } });
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { $value?: unknown }).$value === 'string') return (value as { $value: string }).$value;
  return undefined;
}
