import { AzureSASCredential, type AccessToken as AzureAccessToken } from '@azure/core-auth';
import type { ContainerClient, StoragePipelineOptions } from '@azure/storage-blob';
import { sasGrantSchema, type SasGrant, type ServiceBusEntityGrant } from '../../contracts/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { AuthError, isAuthError } from './auth-error.js';
import { backoffDelay, type BackoffOptions } from '../retry/backoff.js';
import type { AccessTokenSource } from './client-credentials-token-provider.js';
import { createSasContainerClient } from './sas-blob-pipeline.js';

/**
 * A Service Bus token provider in the shape `@azure/core-amqp` recognises (`isSasTokenProvider: true`): the client
 * asks it for a token per audience (entity URI) before every link attach and at every claim renewal.
 * Pass it where `ServiceBusClient` takes a credential.
 */
export interface ServiceBusSasTokenProvider {
  readonly isSasTokenProvider: true;
  getToken(audience: string): Promise<AzureAccessToken>;
}

/** Called after every successful rotation with the new grant. */
export type RotationListener = (grant: SasGrant) => void | Promise<void>;

/** Options for {@link SasManager}. */
export interface SasManagerOptions {
  /** Gateway base URL, e.g. `https://services.example/`; the SAS route is `<gatewayUrl>/api/v1/tenants/<tenant>/sas`. */
  gatewayUrl: string;
  tenantId: string;
  /** Bearer tokens for the gateway (the client-credentials provider). */
  tokenSource: AccessTokenSource;
  /** Fetch a new grant this often; 30 minutes by default (the whitepaper's ~30 minutes). */
  rotateEveryInMs?: number;
  /** Lifetime to ask the SAS service for; the service caps it at one hour. Default one hour. */
  lifetimeInMs?: number;
  /** Rotate early when the grant has less than this left; default a quarter of the grant's lifetime. */
  minRemainingInMs?: number;
  /** Backoff between failed rotations. */
  backoff?: BackoffOptions;
  /** Background failures (rotation errors, listener errors); never thrown from a timer. */
  onError?: (err: AuthError) => void;
  /** Per HTTP request; 10 s by default. */
  requestTimeoutInMs?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Keeps the OHS's Service Bus and Blob SAS fresh: fetches a grant from the SAS service, rotates it on a timer
 * before it expires, and hands the new tokens to live consumers (Service Bus token provider and per-entity
 * `AzureSASCredential`s are updated in place; Blob clients built here sign each request with the current SAS;
 * anything else registers with {@link SasManager.onRotate}).
 *
 * The grant holds one SAS per entity (a SAS covers one resource URI), so one Service Bus client serves every
 * entity only through {@link SasManager.serviceBusTokenProvider}, which answers per audience. Links pick up the
 * current token when they attach and when the Azure SDK renews their claim, which it does every 45 minutes for SAS
 * tokens whatever their expiry: with the default 30-minute rotation of 60-minute tokens a long-lived link can run
 * up to 15 minutes on an expired claim. Where the namespace enforces claim expiry on open links, rotate every
 * 15 minutes or less (`rotateEveryInMs`), which keeps every renewed claim valid until the next renewal.
 */
export class SasManager {
  private current: SasGrant | undefined;
  private inflight: Promise<SasGrant> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private lastMissRefreshAt = 0;
  private readonly listeners = new Set<RotationListener>();
  private readonly credentials = new Map<string, AzureSASCredential>();
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly sasUrl: string;

  /** The Service Bus token provider; give it to `new ServiceBusClient(host, provider)`. */
  readonly serviceBusTokenProvider: ServiceBusSasTokenProvider;

  constructor(private readonly options: SasManagerOptions) {
    this.logger = options.logger ?? createLogger({ name: 'auth.sas' });
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
    this.sasUrl = new URL(`api/v1/tenants/${encodeURIComponent(options.tenantId)}/sas`, options.gatewayUrl.endsWith('/') ? options.gatewayUrl : `${options.gatewayUrl}/`).toString();
    this.serviceBusTokenProvider = {
      isSasTokenProvider: true,
      getToken: (audience: string) => this.tokenForAudience(audience),
    };
  }

  /** Fetch the first grant (failing loudly if it cannot) and start rotating. */
  async start(): Promise<SasGrant> {
    const grant = await this.refresh();
    return grant;
  }

  /** The current grant; throws before {@link start} succeeded. */
  get grant(): SasGrant {
    if (!this.current) throw new AuthError('EntityNotGranted', 'SAS manager has no grant yet; call start()', true);
    return this.current;
  }

  /**
   * Fetch a new grant now (one request however many callers) and reschedule rotation. Listeners and live
   * credentials are updated before it resolves.
   */
  refresh(): Promise<SasGrant> {
    if (this.closed) return Promise.reject(new AuthError('Closed', 'SAS manager is closed', false));
    this.inflight ??= this.fetchAndApply().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /**
   * A live `AzureSASCredential` for one entity, updated in place at every rotation. Throws `EntityNotGranted`
   * when the current grant does not cover the entity (use {@link ensureServiceBusCredential} to refresh first).
   */
  serviceBusCredential(entity: string): AzureSASCredential {
    const existing = this.credentials.get(entity);
    if (existing) return existing;
    const grant = this.entityGrant(entity);
    if (!grant) throw new AuthError('EntityNotGranted', `the SAS grant does not cover entity ${entity}`, false);
    const credential = new AzureSASCredential(grant.sharedAccessSignature);
    this.credentials.set(entity, credential);
    return credential;
  }

  /** Like {@link serviceBusCredential}, but refreshes the grant once when the entity is not covered yet (e.g. a new subscriber). */
  async ensureServiceBusCredential(entity: string): Promise<AzureSASCredential> {
    if (!this.entityGrant(entity)) await this.refresh();
    return this.serviceBusCredential(entity);
  }

  /** The current container SAS (query string without `?`). */
  blobSasToken(): string {
    return this.grant.blob.sasToken;
  }

  /** A ContainerClient for the tenant's container that signs each request with the SAS current at that moment. */
  containerClient(options?: StoragePipelineOptions): ContainerClient {
    return createSasContainerClient(this.grant.blob.containerUrl, () => this.blobSasToken(), options);
  }

  /** Register a rotation listener; returns a function that unregisters it. Listener errors go to `onError`. */
  onRotate(listener: RotationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stop rotating and fail pending and later calls with `Closed`. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort(new AuthError('Closed', 'SAS manager is closed', false));
    this.listeners.clear();
  }

  private entityGrant(entity: string): ServiceBusEntityGrant | undefined {
    return this.current?.serviceBus.entities.find((e) => e.entity.toLowerCase() === entity.toLowerCase());
  }

  private async tokenForAudience(audience: string): Promise<AzureAccessToken> {
    let grant = this.current ? grantForAudience(this.current, audience) : undefined;
    // An audience outside the grant is usually a subscriber that appeared after the last rotation: refresh once,
    // but not more than every few seconds, so a misconfigured entity cannot hammer the SAS service.
    if (!grant && this.now() - this.lastMissRefreshAt > 5_000) {
      this.lastMissRefreshAt = this.now();
      await this.refresh();
      grant = this.current ? grantForAudience(this.current, audience) : undefined;
    }
    if (!grant) throw new AuthError('EntityNotGranted', `the SAS grant does not cover ${audience}`, false);
    return { token: grant.sharedAccessSignature, expiresOnTimestamp: Date.parse(grant.expiresOn) };
  }

  private async fetchAndApply(): Promise<SasGrant> {
    const grant = await this.fetchGrant();
    this.current = grant;
    this.failures = 0;
    for (const [entity, credential] of this.credentials) {
      const updated = this.entityGrant(entity);
      if (updated) credential.update(updated.sharedAccessSignature);
    }
    this.logger.info(
      { tenant: this.options.tenantId, entities: grant.serviceBus.entities.length, container: grant.blob.container, expiresOn: grant.expiresOn },
      'sas rotated',
    );
    this.schedule(this.nextRotationDelay(grant));
    for (const listener of this.listeners) {
      try {
        await listener(grant);
      } catch (err) {
        this.report(new AuthError('InvalidResponse', 'a SAS rotation listener failed', true, { cause: err }));
      }
    }
    return grant;
  }

  private nextRotationDelay(grant: SasGrant): number {
    const remaining = Date.parse(grant.expiresOn) - this.now();
    const lifetime = Date.parse(grant.expiresOn) - Date.parse(grant.issuedAt);
    const margin = this.options.minRemainingInMs ?? lifetime / 4;
    const every = this.options.rotateEveryInMs ?? 30 * 60_000;
    // The floor keeps a grant that is already nearly expired from turning into a tight refresh loop.
    return Math.max(Math.min(1_000, every), Math.min(every, remaining - margin));
  }

  private schedule(delayInMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh().catch((err: unknown) => {
        const error = isAuthError(err) ? err : new AuthError('ServiceUnavailable', 'SAS rotation failed', true, { cause: err });
        if (error.code === 'Closed') return;
        this.failures++;
        this.report(error);
        const retryIn = backoffDelay(this.failures, { initialDelayInMs: 1_000, maxDelayInMs: 60_000, ...this.options.backoff });
        const expiresIn = this.current ? Date.parse(this.current.expiresOn) - this.now() : 0;
        this.logger.warn({ tenant: this.options.tenantId, code: error.code, retryInMs: retryIn, grantExpiresInMs: expiresIn }, 'sas rotation failed; retrying');
        this.schedule(retryIn);
      });
    }, delayInMs);
    // Rotation alone must not keep a process alive that has nothing else to do.
    this.timer.unref();
  }

  private report(err: AuthError): void {
    try {
      this.options.onError?.(err);
    } catch (callbackErr) {
      this.logger.error({ err: callbackErr }, 'sas onError callback threw');
    }
  }

  private async fetchGrant(retriedAuth = false): Promise<SasGrant> {
    const accessToken = await this.options.tokenSource.getToken(retriedAuth ? { forceRefresh: true } : {});
    let response: Response;
    try {
      response = await this.fetchImpl(this.sasUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken.token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(this.options.lifetimeInMs ? { lifetimeInMs: this.options.lifetimeInMs } : {}),
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.requestTimeoutInMs ?? 10_000)]),
      });
    } catch (err) {
      if (this.closed) throw new AuthError('Closed', 'SAS manager is closed', false);
      throw new AuthError('ServiceUnavailable', `SAS service unreachable: ${(err as Error).name}`, true, { cause: err });
    }
    const text = await response.text().catch(() => '');
    // A 401 may be a token revoked or signed with a key the gateway no longer knows: one retry with a fresh token.
    if (response.status === 401 && !retriedAuth) return this.fetchGrant(true);
    if (response.status === 401) throw new AuthError('InvalidCredentials', 'the gateway refused the access token', false);
    if (response.status === 403) throw new AuthError('Forbidden', `the gateway refused the SAS request: ${errorMessage(text)}`, false);
    if (response.status === 429 || response.status >= 500) throw new AuthError('ServiceUnavailable', `SAS service answered ${response.status}`, true);
    if (!response.ok) throw new AuthError('RequestRefused', `SAS service answered ${response.status}: ${errorMessage(text)}`, false);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = sasGrantSchema.safeParse(body);
    if (!parsed.success || parsed.data.tenantId !== this.options.tenantId) {
      throw new AuthError('InvalidResponse', 'SAS service sent an unreadable grant', true);
    }
    return parsed.data;
  }
}

/**
 * The entity grant whose resource URI covers `audience`: the same entity path or a sub-path such as `/$management`.
 * Hosts are not compared: a manager serves one namespace, which clients may reach under another name or port
 * (loopback alias, WebSocket port); the broker checks the host itself.
 */
export function grantForAudience(grant: SasGrant, audience: string): ServiceBusEntityGrant | undefined {
  const target = splitUri(audience);
  if (!target) return undefined;
  return grant.serviceBus.entities.find((entity) => {
    const resource = splitUri(entity.resourceUri);
    return resource !== undefined && (target.path === resource.path || target.path.startsWith(`${resource.path}/`));
  });
}

function splitUri(uri: string): { path: string } | undefined {
  try {
    const url = new URL(uri.includes('://') ? uri : `sb://${uri}`);
    return { path: decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '').toLowerCase() };
  } catch {
    return undefined;
  }
}

function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    return body.error?.message ?? 'no detail';
  } catch {
    return 'no detail';
  }
}
