import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { interrogationReadingsConfigSchema, subscriberUrl } from '../adapters/owoc/owoc-interrogation-readings/interrogation-readings-config.js';
import { ClientRegistry } from '../cloud/identity/client-registry.js';
import { startCloud, type RunningCloud } from '../cloud/start-cloud.js';
import { entityNames } from '../contracts/entities.js';
import { createLogger, registerSecret, type Logger } from '../core/log/index.js';
import { fileFolders } from '../core/mechanisms/files/file-folders.js';
import { startAzurite, type AzuriteBlob } from './blob/index.js';
import { startOhsProcess, type OhsProcess } from './ohs-process.js';
import { startServiceBusEmulator, type ServiceBusEmulator } from './servicebus/index.js';
import { createSelfSignedCertificate } from './servicebus/self-signed-certificate.js';
import { startOwocDataPusher, startOwocDataService, type OwocDataPusher, type OwocDataService, type PushCredentials } from './simulators/owoc/index.js';

/** What `npm start` writes to `.sandbox/endpoints.json`: everything a cloud-service developer needs. */
export interface SandboxEndpoints {
  tenantId: string;
  gatewayUrl: string;
  tokenEndpoint: string;
  identityUrl: string;
  subscriber: { clientId: string; clientSecret: string; scope: string };
  serviceBus: { connectionString: string; tlsConnectionString: string; webSocketConnectionString: string; host: string; port: number; tlsPort: number; wsPort: number; caFile: string };
  blob: { connectionString: string; container: string };
  ohs: { managementUrl: string; fileRoot: string; folders: Record<string, string>; feedEndpoint: string; logFile: string };
  simulators: { owocDataService: string };
}

/** Options of {@link startSandboxStack}. */
export interface SandboxStackOptions {
  /** Working folder (`.sandbox` for `npm start`, a temp folder in tests). */
  dir: string;
  tenantId?: string;
  /** DataArrived batches per second the head-end simulator pushes; 0 for none. */
  pushBatchesPerSecond?: number;
  /** Simulated head-end latency for interactive reads. */
  headEndLatencyInMs?: number;
  /** Fraction of meters whose interactive read fails (deterministic per meter, see `simulatedReadFails`). Default 0.1. */
  headEndFailureRate?: number;
  /** Called once per step, for progress output. */
  progress?: (step: string) => void;
  /** File stability window of the OHS watcher; smaller in tests. */
  fileStableForInMs?: number;
  /** Run the OHS from its sources (tsx; default) or from the `npm run build` output. */
  ohsEntry?: 'source' | 'dist';
  /** SAS rotation period of the OHS; about 30 minutes by default. */
  sasRotateEveryInMs?: number;
  logger?: Logger;
}

/** The running sandbox. */
export interface SandboxStack {
  endpoints: SandboxEndpoints;
  broker: ServiceBusEmulator;
  azurite: AzuriteBlob;
  cloud: RunningCloud;
  dataService: OwocDataService;
  pusher: OwocDataPusher | undefined;
  /** The WS-Security UsernameToken the OHS requires on DataArrived pushes (generated for this run), for tests that push themselves. */
  pushCredentials: PushCredentials;
  ohs(): OhsProcess;
  /** Start the OHS process again after `ohs().kill()` or `stop()` (same store, same folders). */
  restartOhs(): Promise<OhsProcess>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

const secret = (): string => randomBytes(18).toString('base64url');

/**
 * Boot the whole system on loopback: the Service Bus broker (TCP, TLS, WebSockets), Azurite, the cloud
 * side (identity, gateway, SAS service), the OWOC-CM simulators, and an OHS in its own process talking to
 * the cloud with OAuth client credentials and rotating SAS. Every secret is generated for this run.
 */
export async function startSandboxStack(options: SandboxStackOptions): Promise<SandboxStack> {
  const dir = resolve(options.dir);
  const tenantId = options.tenantId ?? 'demo-utility';
  const progress = options.progress ?? (() => undefined);
  const logger = options.logger ?? createLogger({ name: 'sandbox', level: 'warn' });
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    // Broker and Azurite keep everything in memory, so the OHS's store and folders start empty too:
    // state left from an earlier run would point at subscriptions and blobs that no longer exist.
    await rm(join(dir, 'ohs'), { recursive: true, force: true });
    await rm(join(dir, 'ohs.log'), { force: true });
    await mkdir(join(dir, 'tls'), { recursive: true });
    const keys = {
      root: { keyName: 'RootManageSharedAccessKey', primaryKey: secret(), rights: ['Manage', 'Send', 'Listen'] as Array<'Manage' | 'Send' | 'Listen'> },
      send: { keyName: 'sas-send', primaryKey: secret(), rights: ['Send'] as Array<'Manage' | 'Send' | 'Listen'> },
      listen: { keyName: 'sas-listen', primaryKey: secret(), rights: ['Listen'] as Array<'Manage' | 'Send' | 'Listen'> },
    };
    for (const key of Object.values(keys)) registerSecret(key.primaryKey);

    progress('Service Bus broker');
    const tls = await createSelfSignedCertificate();
    const caFile = join(dir, 'tls', 'sandbox-ca.pem');
    await writeFile(caFile, tls.cert);
    const broker = await startServiceBusEmulator({
      tls,
      webSockets: {},
      accessRules: [keys.root, keys.send, keys.listen],
      autoCreateEntities: true,
      entities: {
        queues: [
          { name: entityNames.ohsInbound(tenantId), lockDurationInMs: 30_000 },
          { name: entityNames.responses(tenantId), requiresSession: true },
          { name: entityNames.ohsEvents(tenantId) },
        ],
      },
    });
    closers.push(() => broker.close());

    progress('Azurite (Blob storage)');
    const azurite = await startAzurite();
    closers.push(() => azurite.close());

    progress('cloud side (identity, gateway, SAS service)');
    const registryFile = join(dir, 'clients.json');
    await rm(registryFile, { force: true });
    const registry = await ClientRegistry.open(registryFile);
    const ohsClient = await registry.add({ tenantId, role: 'ohs', clientId: `ohs-${tenantId}`, description: 'sandbox OHS' });
    const subscriberClient = await registry.add({ tenantId, role: 'subscriber', clientId: 'demo-analytics', description: 'sandbox demo cloud service' });
    registerSecret(ohsClient.secret);
    const cloud = await startCloud({
      serviceBusConnectionString: broker.connectionStringFor({ keyName: keys.root.keyName, key: keys.root.primaryKey }),
      serviceBusEndpoint: broker.endpointFor('tls'),
      blobConnectionString: azurite.connectionString,
      registry,
      sasKeys: [
        { name: keys.send.keyName, key: keys.send.primaryKey, rights: ['Send'] },
        { name: keys.listen.keyName, key: keys.listen.primaryKey, rights: ['Listen'] },
      ],
      logger: logger.child({ component: 'cloud' }),
      shutdownGraceInMs: 500,
    });
    closers.push(() => cloud.close());

    progress('head-end simulators (OWOC-CM)');
    const headEndPassword = secret();
    const pushPassword = secret();
    registerSecret(headEndPassword);
    registerSecret(pushPassword);
    const dataService = await startOwocDataService({ port: 0, latencyInMs: options.headEndLatencyInMs ?? 300, failureRate: options.headEndFailureRate ?? 0.1, credentials: { username: 'ohs', password: headEndPassword } });
    closers.push(() => dataService.close());

    progress('OHS (its own process)');
    const feedPort = await freePort();
    const fileRoot = join(dir, 'ohs', 'files');
    const pluginsFile = join(dir, 'plugins.json');
    await writeFile(
      pluginsFile,
      `${JSON.stringify(
        {
          $schema: resolve('plugins.schema.json'),
          tenants: {
            [tenantId]: {
              displayName: 'Demo Utility (sandbox)',
              adapters: {
                'owoc-interrogation-readings': { config: { host: '127.0.0.1', port: feedPort, username: 'owoc-head-end', password: 'env:OWOC_PUSH_PASSWORD' } },
                'owoc-interactive-reads': { config: { endpoint: dataService.url, username: 'ohs', password: 'env:OWOC_DATA_SERVICE_PASSWORD', pollIntervalInMs: 100 } },
                'cmep-files': { config: {} },
                'weather-csv': { config: {} },
              },
            },
          },
        },
        null,
        2,
      )}\n`,
    );
    const logFile = join(dir, 'ohs.log');
    const ohsArgs = [
      '--plugins', pluginsFile,
      '--data-dir', join(dir, 'ohs', 'data'),
      '--file-root', fileRoot,
      '--token-endpoint', cloud.tokenEndpoint,
      '--gateway', cloud.gatewayUrl,
      '--client-id', ohsClient.client.clientId,
      '--service-bus-host', 'localhost',
      '--amqp-port', String(broker.tlsPort),
      '--ws-port', String(broker.wsPort),
      '--ws-ca-file', caFile,
      '--stable-for-ms', String(options.fileStableForInMs ?? 1000),
      ...(options.sasRotateEveryInMs === undefined ? [] : ['--sas-rotate-every-ms', String(options.sasRotateEveryInMs)]),
    ];
    const ohsEnv = {
      NODE_EXTRA_CA_CERTS: caFile,
      OHS_CLIENT_SECRET: ohsClient.secret,
      OWOC_PUSH_PASSWORD: pushPassword,
      OWOC_DATA_SERVICE_PASSWORD: headEndPassword,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    let ohs = await startOhsProcess({ args: ohsArgs, env: ohsEnv, logFile, entry: options.ohsEntry });
    closers.push(() => ohs.stop());

    const feedEndpoint = subscriberUrl(interrogationReadingsConfigSchema.parse({ host: '127.0.0.1', port: feedPort }));
    let pusher: OwocDataPusher | undefined;
    if ((options.pushBatchesPerSecond ?? 1) > 0) {
      pusher = startOwocDataPusher({ targetUrl: feedEndpoint, meters: 5, intervalsPerBatch: 4, batchesPerSecond: options.pushBatchesPerSecond ?? 1, credentials: { username: 'owoc-head-end', password: pushPassword }, onError: () => undefined });
      closers.push(async () => pusher?.stop());
    }

    const folders: Record<string, string> = {};
    for (const [adapter, folder] of [['cmep-files', 'cmep'], ['weather-csv', 'weather']] as const) folders[adapter] = fileFolders(fileRoot, tenantId, folder).watch;
    const endpoints: SandboxEndpoints = {
      tenantId,
      gatewayUrl: cloud.gatewayUrl,
      tokenEndpoint: cloud.tokenEndpoint,
      identityUrl: cloud.identityUrl,
      subscriber: { clientId: subscriberClient.client.clientId, clientSecret: subscriberClient.secret, scope: subscriberClient.client.scopes.join(' ') },
      serviceBus: {
        connectionString: broker.connectionStringFor({ keyName: keys.root.keyName, key: keys.root.primaryKey }),
        tlsConnectionString: broker.connectionStringFor({ transport: 'tls', keyName: keys.root.keyName, key: keys.root.primaryKey }),
        webSocketConnectionString: broker.connectionStringFor({ transport: 'websocket', keyName: keys.root.keyName, key: keys.root.primaryKey }),
        host: broker.host,
        port: broker.port,
        tlsPort: broker.tlsPort!,
        wsPort: broker.wsPort!,
        caFile,
      },
      blob: { connectionString: azurite.connectionString, container: entityNames.container(tenantId) },
      ohs: { managementUrl: ohs.managementUrl, fileRoot, folders, feedEndpoint, logFile },
      simulators: { owocDataService: dataService.url },
    };
    await writeFile(join(dir, 'endpoints.json'), `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
    return {
      endpoints,
      broker,
      azurite,
      cloud,
      dataService,
      pusher,
      pushCredentials: { username: 'owoc-head-end', password: pushPassword },
      ohs: () => ohs,
      restartOhs: async () => {
        await ohs.stop();
        ohs = await startOhsProcess({ args: ohsArgs, env: ohsEnv, logFile, entry: options.ohsEntry });
        endpoints.ohs.managementUrl = ohs.managementUrl;
        return ohs;
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
