import { isServiceBusError } from '@azure/service-bus';
import { HybridError, isHybridError, type ErrorCode } from '../sdk/index.js';

const CODE_BY_SERVICE_BUS_CODE: Partial<Record<string, ErrorCode>> = {
  UnauthorizedAccess: 'unauthorized',
  MessagingEntityNotFound: 'not-found',
  MessageSizeExceeded: 'too-large',
  QuotaExceeded: 'transport',
  ServiceBusy: 'transport',
  ServiceTimeout: 'timeout',
  ServiceCommunicationProblem: 'transport',
  GeneralError: 'transport',
  MessageLockLost: 'conflict',
  SessionLockLost: 'conflict',
  SessionCannotBeLocked: 'conflict',
  MessagingEntityAlreadyExists: 'conflict',
  MessagingEntityDisabled: 'forbidden',
};

/**
 * Translate a Service Bus client error into the project's error type at the transport boundary, so
 * nothing above this layer sees library errors. The original stays as `cause` for logs.
 */
export function translateServiceBusError(error: unknown, action: string): HybridError {
  if (isHybridError(error)) return error;
  // core-amqp >= 4.3.5 throws an AggregateError of every attempt; the last attempt says what is wrong now.
  if (error instanceof AggregateError && error.errors.length > 0) {
    const translated = translateServiceBusError(error.errors.at(-1), action);
    return new HybridError(translated.code, `${translated.message} (after ${error.errors.length} attempts)`, { retryable: translated.retryable, cause: error, details: translated.details });
  }
  if (isServiceBusError(error)) {
    const code = CODE_BY_SERVICE_BUS_CODE[error.code] ?? 'transport';
    // Unauthorized is marked retryable by the client (a token may be refreshed), but for an
    // operator it means the credentials are wrong: surface it as not retryable.
    const retryable = code === 'unauthorized' ? false : error.retryable;
    return new HybridError(code, `${action}: ${error.code}: ${error.message}`, { retryable, cause: error, details: { serviceBusCode: error.code } });
  }
  const name = (error as { name?: string })?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'AbortError') return new HybridError('timeout', `${action}: aborted`, { retryable: false, cause: error });
  // Socket-level errors (ECONNREFUSED, ECONNRESET, timeouts) are transient by nature.
  return new HybridError('transport', `${action}: ${message}`, { retryable: true, cause: error });
}
