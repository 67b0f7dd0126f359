import { HybridError, toHybridError, type ErrorCode } from '../sdk/errors.js';
/**
 * Error codes of the OHS's credential lifecycle, a closed union:
 * - `InvalidCredentials`: the identity service refused the client id/secret (invalid_client); fix the configuration.
 * - `ScopeRefused`: the client may not have the requested scope (invalid_scope / unauthorized_client).
 * - `RequestRefused`: a service refused the request as malformed (a bug or a misconfigured URL); not retried.
 * - `Forbidden`: the gateway refused the SAS request (wrong tenant, missing scope or role).
 * - `EntityNotGranted`: the current SAS grant does not cover the entity asked for.
 * - `ServiceUnavailable`: network failure, 5xx or throttling; retried with backoff.
 * - `InvalidResponse`: a service answered something this client cannot read.
 * - `Closed`: the provider or manager was closed.
 */
export const authErrorCodes = ['InvalidCredentials', 'ScopeRefused', 'RequestRefused', 'Forbidden', 'EntityNotGranted', 'ServiceUnavailable', 'InvalidResponse', 'Closed'] as const;
/** An auth error code. */
export type AuthErrorCode = (typeof authErrorCodes)[number];

/** A failure of token or SAS acquisition; its message never contains a secret or token. */
export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Name-based guard (works across module copies). */
export function isAuthError(err: unknown): err is AuthError {
  return err instanceof Error && err.name === 'AuthError' && typeof (err as AuthError).code === 'string';
}

const HYBRID_CODE: Record<AuthErrorCode, ErrorCode> = {
  InvalidCredentials: 'unauthorized',
  ScopeRefused: 'forbidden',
  Forbidden: 'forbidden',
  EntityNotGranted: 'forbidden',
  RequestRefused: 'invalid-config',
  ServiceUnavailable: 'transport',
  InvalidResponse: 'transport',
  Closed: 'transport',
};

/**
 * The project-wide error for an auth failure, for callers outside core/auth: the auth code stays in
 * `details.authCode`, the message (never holding a secret) is kept.
 */
export function toHybridAuthError(error: unknown): HybridError {
  if (!isAuthError(error)) return toHybridError(error, 'transport');
  return new HybridError(HYBRID_CODE[error.code], error.message, { retryable: error.retryable, cause: error, details: { authCode: error.code } });
}
