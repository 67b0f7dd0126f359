import { z } from 'zod';
import { createLogger, registerSecret, type Logger } from '../log/index.js';
import { AuthError, isAuthError } from './auth-error.js';
import { backoffDelay, sleep as delay, type BackoffOptions } from '../retry/backoff.js';

/** An access token and when it stops being valid. */
export interface AccessToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresOnTimestamp: number;
  /** Scopes the identity service granted. */
  scopes: string[];
}

/** Anything that hands out access tokens (the SAS manager depends on this, not on the class). */
export interface AccessTokenSource {
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
}

/** Options of one {@link AccessTokenSource.getToken} call. */
export interface GetTokenOptions {
  /** Fetch a new token even if the cached one is fresh (e.g. after the gateway answered 401). */
  forceRefresh?: boolean;
  abortSignal?: AbortSignal;
}

/** Options for {@link ClientCredentialsTokenProvider}. */
export interface ClientCredentialsTokenProviderOptions {
  /** The identity service's token endpoint, e.g. `https://identity.example/connect/token`. */
  tokenEndpoint: string;
  clientId: string;
  /** Held in memory only, registered with the log redactor, sent only to the token endpoint. */
  clientSecret: string;
  /** Scopes to ask for; the client's registered scopes when absent. */
  scopes?: readonly string[];
  /** `client_secret_basic` (default) or `client_secret_post`. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Refresh this long before expiry; 5 minutes by default, at most half the token lifetime. */
  refreshBeforeExpiryInMs?: number;
  /** Attempts per acquisition for retryable failures; 4 by default. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** After credentials are refused, further calls fail fast for this long before the endpoint is asked again; 60 s by default. */
  credentialErrorCooldownInMs?: number;
  /** Per HTTP request; 10 s by default. */
  requestTimeoutInMs?: number;
  /** Failures of background refreshes (ahead of expiry, while callers keep the still-valid token); never thrown. */
  onError?: (err: AuthError) => void;
  logger?: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});

const errorResponseSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * OAuth 2.0 client-credentials token provider for the OHS. Caches the token, refreshes it ahead of expiry,
 * runs at most one token request however many callers wait, backs off on failures, and fails fast with
 * `InvalidCredentials` when the identity service refuses the client (not retried in a loop).
 */
export class ClientCredentialsTokenProvider implements AccessTokenSource {
  private cached: AccessToken | undefined;
  private cachedLifetimeInMs = 0;
  private inflight: Promise<AccessToken> | undefined;
  private fatal: { error: AuthError; until: number } | undefined;
  private consecutiveFailures = 0;
  private notBefore = 0;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientCredentialsTokenProviderOptions) {
    if (!options.clientId) throw new AuthError('InvalidCredentials', 'client id is required', false);
    if (!options.clientSecret) throw new AuthError('InvalidCredentials', 'client secret is required', false);
    registerSecret(options.clientSecret);
    this.logger = options.logger ?? createLogger({ name: 'auth.token' });
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** A valid access token: the cached one while fresh, otherwise a new one (one request for all concurrent callers). */
  async getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    if (this.closed) throw new AuthError('Closed', 'token provider is closed', false);
    const now = this.now();
    const cached = this.cached;
    if (!options.forceRefresh && cached && now < cached.expiresOnTimestamp - this.refreshMargin()) return cached;
    if (!options.forceRefresh && cached && now < cached.expiresOnTimestamp) {
      // In the refresh window: refresh in the background and keep serving the still-valid token meanwhile, so that
      // neither a slow identity service nor an outage blocks callers before the token actually expires.
      if (!this.inflight && !(this.fatal && now < this.fatal.until) && now >= this.notBefore) {
        this.startAcquisition().catch((err: unknown) => this.report(err));
      }
      return cached;
    }
    if (this.fatal && now < this.fatal.until) throw this.fatal.error;
    const inflight = this.inflight ?? this.startAcquisition();
    return options.abortSignal ? raceAbort(inflight, options.abortSignal) : inflight;
  }

  private startAcquisition(): Promise<AccessToken> {
    const inflight = this.acquire().finally(() => {
      this.inflight = undefined;
    });
    this.inflight = inflight;
    return inflight;
  }

  private report(err: unknown): void {
    const error = isAuthError(err) ? err : new AuthError('ServiceUnavailable', 'token refresh failed', true, { cause: err });
    if (error.code === 'Closed') return;
    try {
      this.options.onError?.(error);
    } catch (callbackErr) {
      this.logger.error({ err: callbackErr }, 'token onError callback threw');
    }
  }

  /** Drop the cached token and cancel retries; later calls fail with `Closed`. */
  close(): void {
    this.closed = true;
    this.cached = undefined;
    this.abort.abort(new AuthError('Closed', 'token provider is closed', false));
  }

  private refreshMargin(): number {
    return Math.min(this.options.refreshBeforeExpiryInMs ?? 300_000, this.cachedLifetimeInMs / 2);
  }

  private async acquire(): Promise<AccessToken> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    let lastError: AuthError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const wait = this.notBefore - this.now();
      if (wait > 0) await delay(wait, this.abort.signal);
      try {
        const sentAt = this.now();
        const token = await this.requestToken();
        this.cached = token;
        this.cachedLifetimeInMs = token.expiresOnTimestamp - sentAt;
        this.fatal = undefined;
        this.consecutiveFailures = 0;
        this.notBefore = 0;
        this.logger.info({ clientId: this.options.clientId, expiresInSec: Math.round((token.expiresOnTimestamp - this.now()) / 1000), scope: token.scopes.join(' ') }, 'access token acquired');
        return token;
      } catch (err) {
        const error = isAuthError(err) ? err : new AuthError('ServiceUnavailable', 'token request failed', true, { cause: err });
        if (error.code === 'Closed') throw error;
        this.consecutiveFailures++;
        this.logger.warn({ clientId: this.options.clientId, code: error.code, reason: error.message, attempt }, 'access token request failed');
        if (!error.retryable) {
          this.fatal = { error, until: this.now() + (this.options.credentialErrorCooldownInMs ?? 60_000) };
          throw error;
        }
        lastError = error;
        const retryAfter = (error as AuthError & { retryAfterInMs?: number }).retryAfterInMs ?? 0;
        this.notBefore = this.now() + Math.max(retryAfter, backoffDelay(this.consecutiveFailures, this.options.backoff));
      }
    }
    throw lastError ?? new AuthError('ServiceUnavailable', 'token request failed', true);
  }

  private async requestToken(): Promise<AccessToken> {
    const { clientId, clientSecret } = this.options;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.options.scopes && this.options.scopes.length > 0) form.set('scope', this.options.scopes.join(' '));
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if ((this.options.authMethod ?? 'client_secret_basic') === 'client_secret_basic') {
      headers.authorization = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    const sentAt = this.now();
    let response: Response;
    try {
      response = await this.fetchImpl(this.options.tokenEndpoint, {
        method: 'POST',
        headers,
        body: form.toString(),
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.requestTimeoutInMs ?? 10_000)]),
      });
    } catch (err) {
      if (this.closed) throw new AuthError('Closed', 'token provider is closed', false);
      throw new AuthError('ServiceUnavailable', `identity service unreachable: ${(err as Error).name}`, true, { cause: err });
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      const parsed = tokenResponseSchema.safeParse(safeJson(text));
      if (!parsed.success) throw new AuthError('InvalidResponse', 'identity service sent an unreadable token response', true);
      return {
        token: parsed.data.access_token,
        // Counted from when the request was sent, so that network delay shortens rather than lengthens the lifetime.
        expiresOnTimestamp: sentAt + parsed.data.expires_in * 1000,
        scopes: (parsed.data.scope ?? this.options.scopes?.join(' ') ?? '').split(' ').filter(Boolean),
      };
    }
    const oauth = errorResponseSchema.safeParse(safeJson(text));
    const code = oauth.success ? oauth.data.error : undefined;
    if (response.status === 429 || response.status >= 500 || code === 'temporarily_unavailable') {
      const error = new AuthError('ServiceUnavailable', `identity service answered ${response.status}`, true);
      const retryAfter = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) Object.assign(error, { retryAfterInMs: retryAfter * 1000 });
      throw error;
    }
    if (code === 'invalid_client') throw new AuthError('InvalidCredentials', `identity service refused client ${clientId}: check the client id and secret`, false);
    if (code === 'invalid_scope' || code === 'unauthorized_client') {
      throw new AuthError('ScopeRefused', `identity service refused the scope for client ${clientId}: ${oauth.data?.error_description ?? code}`, false);
    }
    throw new AuthError('RequestRefused', `identity service answered ${response.status}${code ? ` ${code}` : ''}`, false);
  }
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
