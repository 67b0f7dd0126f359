import { BlobServiceClient } from '@azure/storage-blob';
import type { ClientRole, Envelope, Scope } from '../../contracts/index.js';
import { startAzurite, type AzuriteBlob } from '../../sandbox/blob/index.js';
import { createAccessTokenVerifier } from '../gateway/access-token-verifier.js';
import { BlobStateStore } from '../gateway/blob-state-store.js';
import type { GatewayLimits } from '../gateway/gateway-deps.js';
import { createGatewayServer, type GatewayServer } from '../gateway/gateway-server.js';
import type { Disposition, GatewayBus, ReceivedEnvelope, SessionReadOutcome } from '../gateway/service-bus-relay.js';
import { ClientRegistry } from '../identity/client-registry.js';
import { createIdentityServer, type IdentityServer } from '../identity/identity-server.js';
import { createSasService } from '../sas/sas-service.js';
import type { NamespaceKey } from '../sas/service-bus-sas.js';
import { captureLogs, type CapturedLogs } from './capture-logs.js';

/** A registered test client. */
export interface TestClient {
  id: string;
  secret: string;
  tenant: string;
  role: ClientRole;
}

/** A {@link GatewayBus} that records what is sent and serves responses queued per session. */
export class RecordingBus implements GatewayBus {
  readonly sent: { entity: string; envelope: Envelope; timeToLiveInMs?: number }[] = [];
  readonly sessions = new Map<string, ReceivedEnvelope[]>();
  readonly settled: { sessionId: string; disposition: Disposition }[] = [];
  failSends = false;

  async send(entity: string, envelope: Envelope, options?: { timeToLiveInMs?: number }): Promise<void> {
    if (this.failSends) throw new Error('broker unavailable');
    this.sent.push({ entity, envelope, ...(options?.timeToLiveInMs ? { timeToLiveInMs: options.timeToLiveInMs } : {}) });
  }

  async receiveFromSession(_entity: string, sessionId: string, _waitInMs: number, handler: (message: ReceivedEnvelope) => Promise<Disposition>): Promise<SessionReadOutcome> {
    const queue = this.sessions.get(sessionId);
    const message = queue?.[0];
    if (!message) return 'empty';
    const disposition = await handler(message);
    queue.shift();
    this.settled.push({ sessionId, disposition });
    return 'handled';
  }

  async close(): Promise<void> {}
}

/** Options for {@link startGatewayHarness}. */
export interface GatewayHarnessOptions {
  bus?: GatewayBus;
  azurite?: AzuriteBlob;
  apiRateLimit?: { max: number; timeWindowInMs: number };
  sasKeys?: NamespaceKey[];
  serviceBusEndpoint?: string;
  limits?: Partial<GatewayLimits>;
}

/** Identity + gateway on loopback against Azurite and a bus (recording by default). */
export interface GatewayHarness {
  identity: IdentityServer;
  gateway: GatewayServer;
  gatewayUrl: string;
  identityUrl: string;
  azurite: AzuriteBlob;
  blobService: BlobServiceClient;
  logs: CapturedLogs;
  addClient(tenant: string, role: ClientRole, scopes?: Scope[]): Promise<TestClient>;
  token(client: TestClient, scopes?: Scope[]): Promise<string>;
  api(method: string, path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Default SAS keys: a Listen-only and a Send-only namespace rule, as a production namespace would have. */
export const testSasKeys: NamespaceKey[] = [
  { name: 'ihc-listen', key: 'listen-key-for-tests-0123456789', rights: ['Listen'] },
  { name: 'ihc-send', key: 'send-key-for-tests-0123456789', rights: ['Send'] },
];

/** Start identity, gateway and (unless given) Azurite; `close()` stops what it started. */
export async function startGatewayHarness(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const logs = captureLogs('cloud');
  const azurite = options.azurite ?? (await startAzurite());
  const blobService = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const registry = await ClientRegistry.open();
  const identity = await createIdentityServer({
    registry,
    logger: logs.logger.child({ component: 'identity' }),
    rateLimit: { max: 10_000, timeWindowInMs: 60_000 },
    shutdownGraceInMs: 500,
  });
  const identityUrl = await identity.listen();
  const gateway = await createGatewayServer({
    verifier: createAccessTokenVerifier({ issuer: identity.issuer, audience: identity.audience, keys: { jwksUri: identity.jwksUri } }),
    bus: options.bus ?? new RecordingBus(),
    store: new BlobStateStore(blobService),
    sas: createSasService({
      serviceBus: { endpoint: options.serviceBusEndpoint ?? 'sb://127.0.0.1:5672/', keys: options.sasKeys ?? testSasKeys },
      blob: { endpoint: azurite.blobEndpoint, accountName: azurite.accountName, accountKey: azurite.accountKey, allowHttp: true },
    }),
    logger: logs.logger.child({ component: 'gateway' }),
    shutdownGraceInMs: 500,
    ...(options.apiRateLimit ? { rateLimit: options.apiRateLimit } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const gatewayUrl = await gateway.listen();

  return {
    identity,
    gateway,
    gatewayUrl,
    identityUrl,
    azurite,
    blobService,
    logs,
    async addClient(tenant, role, scopes) {
      const { client, secret } = await registry.add({ tenantId: tenant, role, ...(scopes ? { scopes } : {}) });
      return { id: client.clientId, secret, tenant, role };
    },
    async token(client, scopes) {
      const res = await fetch(identity.tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, ...(scopes ? { scope: scopes.join(' ') } : {}) }).toString(),
      });
      if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    api(method, path, token, body, headers = {}) {
      return fetch(`${gatewayUrl}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: Buffer.isBuffer(body) ? body : JSON.stringify(body) } : {}),
      });
    },
    async close() {
      await gateway.close();
      await identity.close();
      if (!options.azurite) await azurite.close();
    },
  };
}
