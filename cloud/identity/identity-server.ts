import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { allScopes } from '../../contracts/index.js';
import { createLogger, type Logger } from '../../core/log/index.js';
import { closeServer, listenAt } from '../http/listen.js';
import type { ClientRegistry } from './client-registry.js';
import { OAuthError } from './oauth-error.js';
import { SIGNING_ALGORITHM, SigningKeyRing } from './signing-key-ring.js';
import { processTokenRequest, usesBasicAuthentication } from './token-endpoint.js';

/** Default audience of access tokens: the gateway. */
export const DEFAULT_AUDIENCE = 'ihc-gateway';
/** Paths the identity service serves. */
export const identityPaths = {
  token: '/connect/token',
  jwks: '/.well-known/jwks.json',
  openidConfiguration: '/.well-known/openid-configuration',
  oauthMetadata: '/.well-known/oauth-authorization-server',
} as const;

/** Options for {@link createIdentityServer}. */
export interface IdentityServerOptions {
  registry: ClientRegistry;
  /** Signing keys; a fresh ring when absent. */
  keys?: SigningKeyRing;
  /** `aud` of every token; {@link DEFAULT_AUDIENCE} by default. */
  audience?: string;
  /** `iss` of every token; the listening URL (`http://host:port`) by default. */
  issuer?: string;
  /** Token lifetime; one hour by default, as the whitepaper specifies. */
  tokenLifetimeInMs?: number;
  /** Rotate signing keys this often (off when absent). */
  keyRotationEveryInMs?: number;
  /** Loopback by default. */
  host?: string;
  /** 0 (a free port) by default. */
  port?: number;
  /** Token requests per client address and window; 30 per minute by default (brute-force throttle). */
  rateLimit?: { max: number; timeWindowInMs: number };
  logger?: Logger;
  /** Clock, for tests. */
  now?: () => number;
  /** On close, how long in-flight requests may finish before connections are cut; 5 s by default. */
  shutdownGraceInMs?: number;
}

/** A running (or ready to listen) identity service. */
export interface IdentityServer {
  app: FastifyInstance;
  keys: SigningKeyRing;
  audience: string;
  /** Bind and return the base URL. */
  listen(): Promise<string>;
  /** Base URL once listening. */
  readonly url: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  close(): Promise<void>;
}

/**
 * The identity service: an OAuth 2.0 authorization server for the client-credentials grant, issuing
 * one-hour, one-tenant JWT access tokens signed with rotating asymmetric keys, with discovery and JWKS.
 */
export async function createIdentityServer(options: IdentityServerOptions): Promise<IdentityServer> {
  const logger = options.logger ?? createLogger({ name: 'identity' });
  const tokenLifetimeInMs = options.tokenLifetimeInMs ?? 3_600_000;
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const keys =
    options.keys ??
    (await SigningKeyRing.create({
      tokenLifetimeInMs,
      logger,
      ...(options.keyRotationEveryInMs ? { rotateEveryInMs: options.keyRotationEveryInMs } : {}),
      ...(options.now ? { now: options.now } : {}),
    }));
  let baseUrl = options.issuer ?? 'http://localhost';
  const issuer = (): string => options.issuer ?? baseUrl;

  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });
  // Form bodies are kept as URLSearchParams so that repeated parameters can be refused (RFC 6749 §3.2).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, new URLSearchParams(body as string));
  });
  // Any other media type reaches the handler as undefined and is answered invalid_request, not 415.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => new OAuthError('temporarily_unavailable', `too many token requests; retry in ${context.after}`, context.statusCode),
  });

  app.setErrorHandler((error, request, reply) => {
    const oauth =
      error instanceof OAuthError
        ? error
        : (error as { statusCode?: number }).statusCode === 400 || (error as { statusCode?: number }).statusCode === 413
          ? new OAuthError('invalid_request', 'malformed request')
          : new OAuthError('server_error', 'internal error');
    if (oauth.code === 'server_error') logger.error({ err: error, path: request.url }, 'identity request failed');
    if (oauth.statusCode === 401) reply.header('www-authenticate', 'Basic realm="ihc", charset="UTF-8"');
    void reply.code(oauth.statusCode).header('cache-control', 'no-store').send(oauth.toJSON());
  });

  const grantOptions = { registry: options.registry, keys, issuer, audience, tokenLifetimeInMs, ...(options.now ? { now: options.now } : {}) };
  const limit = options.rateLimit ?? { max: 30, timeWindowInMs: 60_000 };

  app.post(
    identityPaths.token,
    { config: { rateLimit: { max: limit.max, timeWindow: limit.timeWindowInMs } } },
    async (request, reply) => {
      const authorization = request.headers.authorization;
      try {
        const form = request.body instanceof URLSearchParams ? request.body : undefined;
        const { client, response, kid } = await processTokenRequest({ authorization, form }, grantOptions);
        logger.info({ clientId: client.clientId, tenant: client.tenantId, role: client.role, scope: response.scope, kid }, 'access token issued');
        return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
      } catch (err) {
        if (err instanceof OAuthError) {
          const clientId = request.body instanceof URLSearchParams ? (request.body.get('client_id') ?? undefined) : undefined;
          logger.warn({ error: err.code, reason: err.description, clientId, basic: usesBasicAuthentication(authorization), ip: request.ip }, 'token request refused');
        }
        throw err;
      }
    },
  );

  app.get(identityPaths.jwks, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(keys.jwks()));

  const metadata = () => ({
    issuer: issuer(),
    token_endpoint: `${issuer()}${identityPaths.token}`,
    jwks_uri: `${issuer()}${identityPaths.jwks}`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [...allScopes],
    // Required by OpenID discovery; this server issues no ID tokens and serves no authorization endpoint.
    response_types_supported: [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
    access_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
  });
  app.get(identityPaths.openidConfiguration, async () => metadata());
  app.get(identityPaths.oauthMetadata, async () => metadata());
  app.get('/healthz', async () => ({ status: 'ok' }));

  keys.startAutoRotation((err) => logger.error({ err }, 'signing key rotation failed'));

  let listening = false;
  return {
    app,
    keys,
    audience,
    async listen() {
      baseUrl = await listenAt(app, options.host ?? '127.0.0.1', options.port ?? 0);
      listening = true;
      logger.info({ url: baseUrl, issuer: issuer() }, 'identity service listening');
      return baseUrl;
    },
    get url() {
      if (!listening) throw new Error('identity server is not listening');
      return baseUrl;
    },
    get issuer() {
      return issuer();
    },
    get jwksUri() {
      return `${issuer()}${identityPaths.jwks}`;
    },
    get tokenEndpoint() {
      return `${issuer()}${identityPaths.token}`;
    },
    async close() {
      keys.stop();
      await closeServer(app, options.shutdownGraceInMs ?? 5_000);
    },
  };
}
