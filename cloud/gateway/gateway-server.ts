import rateLimit from '@fastify/rate-limit';
import { RestError } from '@azure/storage-blob';
import { isServiceBusError } from '@azure/service-bus';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { createLogger, type Logger } from '../../core/log/index.js';
import { closeServer, listenAt } from '../http/listen.js';
import type { SasService } from '../sas/sas-service.js';
import type { AccessTokenVerifier } from './access-token-verifier.js';
import { authenticate, caller } from './authorization.js';
import type { BlobStateStore } from './blob-state-store.js';
import { defaultGatewayLimits, type GatewayDeps, type GatewayLimits } from './gateway-deps.js';
import { GatewayError, isGatewayError } from './gateway-error.js';
import { registerFileRoutes } from './routes/files.js';
import { registerOhsRoutes } from './routes/ohs.js';
import { registerRequestRoutes } from './routes/requests.js';
import { registerSasRoutes } from './routes/sas.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.js';
import type { GatewayBus } from './service-bus-relay.js';

/** Prefix of every tenant route. */
export const TENANT_ROUTE_PREFIX = '/api/v1/tenants/:tenant';

/** Options for {@link createGatewayServer}. */
export interface GatewayServerOptions {
  verifier: AccessTokenVerifier;
  bus: GatewayBus;
  store: BlobStateStore;
  sas: SasService;
  logger?: Logger;
  limits?: Partial<GatewayLimits>;
  /** API calls per client address and window; 600 per minute by default. */
  rateLimit?: { max: number; timeWindowInMs: number };
  /** Loopback by default. */
  host?: string;
  /** 0 (a free port) by default. */
  port?: number;
  /** On close, how long in-flight requests may finish before connections are cut; 5 s by default. */
  shutdownGraceInMs?: number;
}

/** A running (or ready to listen) gateway. */
export interface GatewayServer {
  app: FastifyInstance;
  listen(): Promise<string>;
  readonly url: string;
  /** Closes the HTTP server; the bus and store belong to the caller. */
  close(): Promise<void>;
}

/**
 * The gateway API for cloud services and OHS instances. Every tenant route needs a bearer token whose tenant is
 * the path's and whose scopes cover the route. State lives in Blob and Service Bus only, so instances scale out.
 */
export async function createGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const logger = options.logger ?? createLogger({ name: 'gateway' });
  const limits: GatewayLimits = { ...defaultGatewayLimits, ...options.limits };
  const deps: GatewayDeps = { store: options.store, bus: options.bus, sas: options.sas, logger, limits };

  const app = Fastify({ logger: false, bodyLimit: limits.maxRequestPayloadBytes + 64 * 1024 });
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const limit = options.rateLimit ?? { max: 600, timeWindowInMs: 60_000 };
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => new GatewayError('rate_limited', `too many requests; retry in ${context.after}`),
  });
  // A root hook, so that it runs before authentication: unauthenticated floods (token guessing) are throttled too.
  app.addHook(
    'onRequest',
    app.rateLimit({ max: limit.max, timeWindow: limit.timeWindowInMs, allowList: (request) => request.url === '/healthz' || request.url === '/readyz' }),
  );

  app.setErrorHandler((error, request, reply) => {
    const gatewayError = toGatewayError(error);
    if (gatewayError.statusCode >= 500) logger.error({ err: error, method: request.method, route: request.routeOptions.url }, 'gateway request failed');
    for (const [name, value] of Object.entries(gatewayError.headers)) void reply.header(name, value);
    void reply.code(gatewayError.statusCode).send(gatewayError.toJSON());
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send(new GatewayError('not_found', 'no such route').toJSON());
  });

  app.addHook('onResponse', async (request, reply) => {
    let clientId: string | undefined;
    try {
      clientId = caller(request).claims.client_id;
    } catch {
      clientId = undefined;
    }
    logger.debug({ method: request.method, route: request.routeOptions.url, status: reply.statusCode, clientId, ms: Math.round(reply.elapsedTime) }, 'api call');
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await options.store.ping();
      return { status: 'ready' };
    } catch (err) {
      logger.warn({ err }, 'readiness check failed: blob storage unreachable');
      return reply.code(503).send({ status: 'not-ready', reason: 'blob storage unreachable' });
    }
  });

  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate(options.verifier));
      registerSubscriptionRoutes(api, deps);
      registerRequestRoutes(api, deps);
      registerFileRoutes(api, deps);
      registerSasRoutes(api, deps);
      registerOhsRoutes(api, deps);
    },
    { prefix: TENANT_ROUTE_PREFIX },
  );

  let baseUrl: string | undefined;
  return {
    app,
    async listen() {
      baseUrl = await listenAt(app, options.host ?? '127.0.0.1', options.port ?? 0);
      logger.info({ url: baseUrl }, 'gateway listening');
      return baseUrl;
    },
    get url() {
      if (!baseUrl) throw new Error('gateway is not listening');
      return baseUrl;
    },
    close: () => closeServer(app, options.shutdownGraceInMs ?? 5_000),
  };
}

function toGatewayError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError('unsupported_media_type', 'unsupported content type', 'content-type');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('payload_too_large', 'request body is too large', 'body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('invalid_request', 'body: JSON content type with an empty body', 'body');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new GatewayError('invalid_request', 'body: not valid JSON', 'body');
  }
  if (fastifyError.statusCode === 400 && error instanceof SyntaxError) return new GatewayError('invalid_request', 'body: not valid JSON', 'body');
  if (isServiceBusError(error) || error instanceof RestError) return new GatewayError('upstream_unavailable', 'a backing service is unavailable; retry later');
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new GatewayError('invalid_request', 'malformed request');
  }
  return new GatewayError('internal', 'internal error');
}
