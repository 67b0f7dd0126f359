import { BlobServiceClient } from '@azure/storage-blob';
import { createLocalJWKSet } from 'jose';
import { createLogger, type Logger } from '../core/log/index.js';
import { parseServiceBusConnectionString, parseStorageConnectionString } from './config/connection-strings.js';
import { createAccessTokenVerifier } from './gateway/access-token-verifier.js';
import { BlobStateStore } from './gateway/blob-state-store.js';
import type { GatewayLimits } from './gateway/gateway-deps.js';
import { createGatewayServer, type GatewayServer } from './gateway/gateway-server.js';
import { createServiceBusRelay } from './gateway/service-bus-relay.js';
import { ClientRegistry } from './identity/client-registry.js';
import { createIdentityServer, type IdentityServer } from './identity/identity-server.js';
import { createSasService } from './sas/sas-service.js';
import type { NamespaceKey } from './sas/service-bus-sas.js';

/** Options for {@link startCloud}. */
export interface CloudOptions {
  /** The gateway's own Service Bus access (a key with Send on OHS inbound and Listen on responses). */
  serviceBusConnectionString: string;
  /** Blob storage with an account key (the gateway's state and the SAS service's signing key). */
  blobConnectionString: string;
  /** Client registry; or a file to open one from. In memory (empty) when neither is given. */
  registry?: ClientRegistry;
  registryFile?: string;
  /**
   * Namespace keys the SAS service signs with. Default: the connection string's key, assumed to hold Manage
   * rights, which keeps grants entity-scoped but not rights-scoped (a warning is logged).
   */
  sasKeys?: NamespaceKey[];
  /** `sb://host[:port]/` as OHS instances address the namespace; the connection string's Endpoint by default. */
  serviceBusEndpoint?: string;
  host?: string;
  identityPort?: number;
  gatewayPort?: number;
  /** Token issuer; the identity service's URL by default. */
  issuer?: string;
  audience?: string;
  tokenLifetimeInMs?: number;
  keyRotationEveryInMs?: number;
  identityRateLimit?: { max: number; timeWindowInMs: number };
  apiRateLimit?: { max: number; timeWindowInMs: number };
  limits?: Partial<GatewayLimits>;
  /**
   * How the gateway gets the identity service's keys: `remote` (default) fetches the JWKS over HTTP like a separate
   * deployment would; `local` reads the in-process key ring.
   */
  jwks?: 'remote' | 'local';
  /** On close, how long in-flight requests may finish before connections are cut; 5 s by default. */
  shutdownGraceInMs?: number;
  logger?: Logger;
}

/** The running cloud side. */
export interface RunningCloud {
  identity: IdentityServer;
  gateway: GatewayServer;
  identityUrl: string;
  gatewayUrl: string;
  issuer: string;
  tokenEndpoint: string;
  close(): Promise<void>;
}

/** Start identity and gateway (with the SAS service) against the given Service Bus and Blob storage. */
export async function startCloud(options: CloudOptions): Promise<RunningCloud> {
  const logger = options.logger ?? createLogger({ name: 'cloud' });
  const serviceBus = parseServiceBusConnectionString(options.serviceBusConnectionString);
  const storage = parseStorageConnectionString(options.blobConnectionString);
  const registry = options.registry ?? (await ClientRegistry.open(options.registryFile));
  const host = options.host ?? '127.0.0.1';

  const sasKeys = options.sasKeys ?? [{ name: serviceBus.keyName, key: serviceBus.key, rights: ['Manage'] as const }];
  if (!options.sasKeys) logger.warn({ keyName: serviceBus.keyName }, 'no dedicated SAS keys configured: SAS grants are signed with the gateway key (entity-scoped, not rights-scoped)');
  const sas = createSasService({
    serviceBus: { endpoint: options.serviceBusEndpoint ?? serviceBus.endpoint, keys: sasKeys },
    blob: { endpoint: storage.blobEndpoint, accountName: storage.accountName, accountKey: storage.accountKey, allowHttp: storage.blobEndpoint.startsWith('http:') },
  });

  const identity = await createIdentityServer({
    registry,
    host,
    port: options.identityPort ?? 0,
    logger: logger.child({ component: 'identity' }),
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    ...(options.tokenLifetimeInMs ? { tokenLifetimeInMs: options.tokenLifetimeInMs } : {}),
    ...(options.keyRotationEveryInMs ? { keyRotationEveryInMs: options.keyRotationEveryInMs } : {}),
    ...(options.identityRateLimit ? { rateLimit: options.identityRateLimit } : {}),
    ...(options.shutdownGraceInMs !== undefined ? { shutdownGraceInMs: options.shutdownGraceInMs } : {}),
  });
  const identityUrl = await identity.listen();

  const bus = createServiceBusRelay({ connectionString: options.serviceBusConnectionString, logger: logger.child({ component: 'gateway.bus' }) });
  const store = new BlobStateStore(BlobServiceClient.fromConnectionString(options.blobConnectionString));
  const verifier = createAccessTokenVerifier({
    issuer: identity.issuer,
    audience: identity.audience,
    keys: options.jwks === 'local' ? async (header, token) => createLocalJWKSet(identity.keys.jwks())(header, token) : { jwksUri: identity.jwksUri },
  });
  let gateway: GatewayServer;
  try {
    gateway = await createGatewayServer({
      verifier,
      bus,
      store,
      sas,
      host,
      port: options.gatewayPort ?? 0,
      logger: logger.child({ component: 'gateway' }),
      ...(options.apiRateLimit ? { rateLimit: options.apiRateLimit } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.shutdownGraceInMs !== undefined ? { shutdownGraceInMs: options.shutdownGraceInMs } : {}),
    });
  } catch (err) {
    await identity.close();
    await bus.close();
    throw err;
  }
  const gatewayUrl = await gateway.listen();

  return {
    identity,
    gateway,
    identityUrl,
    gatewayUrl,
    issuer: identity.issuer,
    tokenEndpoint: identity.tokenEndpoint,
    async close() {
      await gateway.close();
      await identity.close();
      await bus.close();
    },
  };
}
