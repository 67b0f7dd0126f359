import { startAdminServer } from './admin-server.js';
import type { AdminServer } from './admin-server.js';
import { AmqpConditions, BrokerError } from './amqp-conditions.js';
import { Broker } from './broker.js';
import { buildConnectionString } from './connection-strings.js';
import type { ConnectionStringOptions, EmulatorTransport } from './connection-strings.js';
import { loadEntitiesFile, parseEntities } from './entities-file.js';
import type { NamespaceDefinition, QueueDefinition, SharedAccessRule, SubscriptionDefinition, TopicDefinition } from './entity-definitions.js';
import { EntityStore } from './entity-store.js';
import { Faults, faultApplies } from './faults.js';
import type { QueueStats } from './queue.js';
import { SasVerifier } from './sas-verifier.js';
import { TransportListeners } from './transport-listeners.js';
import type { TlsMaterial } from './transport-listeners.js';

/** The key the emulator accepts when none is configured; the same placeholder Microsoft's emulator documents. */
export const DEFAULT_ACCESS_RULE: Readonly<SharedAccessRule> = Object.freeze({
  keyName: 'RootManageSharedAccessKey',
  primaryKey: 'SAS_KEY_VALUE',
  rights: Object.freeze(['Manage', 'Send', 'Listen']) as SharedAccessRule['rights'],
});

/** Options of {@link startServiceBusEmulator}. */
export interface ServiceBusEmulatorOptions {
  /** Plain-TCP AMQP port; 0 (default) picks a free one. */
  port?: number;
  /** Adds an AMQP-over-TLS listener (TLS 1.2 minimum). */
  tls?: TlsMaterial & { port?: number };
  /** Adds an AMQP-over-WSS listener at `/$servicebus/websocket`; certificate defaults to the `tls` one. */
  webSockets?: Partial<TlsMaterial> & { port?: number };
  /** Admin HTTP port; 0 (default) picks a free one. */
  adminPort?: number;
  /** Entities to declare (validated like an entities file). */
  entities?: NamespaceDefinition;
  /** JSON entities file to load; merged after `entities`. */
  entitiesFile?: string;
  /** Create unknown entities on first use; default from the entities, else false. */
  autoCreateEntities?: boolean;
  /** Namespace SAS rules; default the entities' rules, else {@link DEFAULT_ACCESS_RULE}. */
  accessRules?: SharedAccessRule[];
  /** Default largest message or batch a sender may transfer; default 262144 (Standard tier). */
  maxMessageSizeInBytes?: number;
  /** Host name put in TLS and WebSocket connection strings (must match the certificate); default `localhost`. */
  hostName?: string;
  /** How often locks, TTLs and scheduled messages are checked; default 50. */
  sweepIntervalInMs?: number;
  /** Diagnostic lines (refused tokens, protocol errors); default silent. */
  log?: (line: string) => void;
}

/** Entity management on a running emulator. */
export interface EmulatorEntities {
  createQueue(definition: QueueDefinition): void;
  createTopic(definition: TopicDefinition): void;
  createSubscription(topicName: string, definition: SubscriptionDefinition): void;
  /** Message counts of every queue, subscription and sub-queue. */
  stats(): QueueStats[];
}

/** A running emulator. */
export interface ServiceBusEmulator {
  /** Always the loopback address the listeners bind to. */
  readonly host: string;
  readonly port: number;
  readonly tlsPort: number | undefined;
  readonly wsPort: number | undefined;
  readonly adminUrl: string;
  /** Client connections open right now (all transports); handy to wait for a client to reconnect after a fault. */
  readonly connectionCount: number;
  /** Plain-TCP connection string (`UseDevelopmentEmulator=true`) with the first namespace rule. */
  readonly connectionString: string;
  /** TLS connection string, when TLS is on (the client must trust the certificate). */
  readonly tlsConnectionString: string | undefined;
  /** WebSocket connection string, when WebSockets are on; pass `webSocketOptions: { webSocket: WebSocket }` too. */
  readonly webSocketConnectionString: string | undefined;
  /** Any connection string: other transports, other keys, a ready-made SAS token, an entity path. */
  connectionStringFor(options?: ConnectionStringOptions): string;
  /** The `sb://host:port` endpoint of a transport; SAS audiences are this plus `/` plus the entity path. */
  endpointFor(transport?: EmulatorTransport): string;
  readonly faults: Faults;
  readonly entities: EmulatorEntities;
  /** Cuts every connection and stops every listener. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/** Starts a local AMQP 1.0 broker that the real `@azure/service-bus` client can talk to. */
export async function startServiceBusEmulator(options: ServiceBusEmulatorOptions = {}): Promise<ServiceBusEmulator> {
  const log = options.log ?? (() => undefined);
  const now = Date.now;
  const namespace = await loadNamespace(options);
  const accessRules = options.accessRules ?? namespace.accessRules ?? [DEFAULT_ACCESS_RULE];
  const firstRule = accessRules[0];
  if (!firstRule) throw new Error('at least one namespace access rule is required');

  const store = new EntityStore({
    accessRules,
    autoCreateEntities: options.autoCreateEntities ?? namespace.autoCreateEntities ?? false,
    maxMessageSizeInBytes: options.maxMessageSizeInBytes ?? 262_144,
    now,
  });
  store.declare(namespace);
  const verifier = new SasVerifier((keyName, path) => store.rulesFor(keyName, path), now);

  let broker: Broker | undefined;
  let listeners: TransportListeners | undefined;
  const faults = new Faults(
    {
      dropConnections: (graceful) => {
        if (!graceful) return listeners?.cutAll() ?? 0;
        // Snapshot first: the close frames make clients reconnect at once, and those new connections must survive.
        listeners?.cutLater(250);
        return broker?.closeConnections(new BrokerError(AmqpConditions.connectionForced, 'The connection was closed by the sandbox broker (fault injected).')) ?? 0;
      },
      detachServerBusy: (entityPath) =>
        broker?.detachEntityLinks(
          new BrokerError(AmqpConditions.serverBusy, 'The server is busy. Please retry the operation (fault injected).'),
          entityPath,
        ) ?? 0,
      expireLocks: (entityPath) =>
        store
          .allQueues()
          .filter((queue) => faultApplies(entityPath, queue.path))
          .reduce((count, queue) => count + queue.expireAllLocks(), 0),
    },
    now,
  );
  broker = new Broker({ store, verifier, faults, now, log });
  listeners = new TransportListeners(LOOPBACK, broker, faults, log);

  let admin: AdminServer | undefined;
  try {
    const port = await listeners.listenTcp(options.port ?? 0);
    const tlsPort = options.tls ? await listeners.listenTls(options.tls.port ?? 0, options.tls) : undefined;
    let wsPort: number | undefined;
    if (options.webSockets) {
      const cert = options.webSockets.cert ?? options.tls?.cert;
      const key = options.webSockets.key ?? options.tls?.key;
      if (!cert || !key) throw new Error('webSockets needs a certificate and key (its own or the tls ones): the client always uses wss');
      wsPort = await listeners.listenWebSocket(options.webSockets.port ?? 0, { cert, key });
    }
    const openListeners = listeners;
    const openBroker = broker;
    admin = await startAdminServer({
      host: LOOPBACK,
      port: options.adminPort ?? 0,
      faults,
      stats: () => store.stats(),
      connections: () => openListeners.openConnections,
    });
    store.startSweeping(options.sweepIntervalInMs ?? 50);

    const hostName = options.hostName ?? 'localhost';
    const endpointFor = (transport: EmulatorTransport = 'tcp'): string => {
      if (transport === 'tcp') return `sb://${LOOPBACK}:${port}`;
      const transportPort = transport === 'tls' ? tlsPort : wsPort;
      if (transportPort === undefined) throw new Error(`the emulator was started without ${transport}`);
      return `sb://${hostName}:${transportPort}`;
    };
    const connectionStringFor = (request: ConnectionStringOptions = {}): string => {
      const transport = request.transport ?? 'tcp';
      const credentials =
        request.sharedAccessSignature !== undefined
          ? { sharedAccessSignature: request.sharedAccessSignature }
          : { keyName: request.keyName ?? firstRule.keyName, key: request.key ?? firstRule.primaryKey };
      return buildConnectionString(endpointFor(transport), credentials, {
        developmentEmulator: transport === 'tcp',
        ...(request.entityPath !== undefined ? { entityPath: request.entityPath } : {}),
      });
    };
    const openAdmin = admin;
    let closing: Promise<void> | undefined;
    return {
      host: LOOPBACK,
      port,
      tlsPort,
      wsPort,
      adminUrl: openAdmin.url,
      get connectionCount() {
        return openListeners.openConnections;
      },
      connectionString: connectionStringFor(),
      tlsConnectionString: tlsPort === undefined ? undefined : connectionStringFor({ transport: 'tls' }),
      webSocketConnectionString: wsPort === undefined ? undefined : connectionStringFor({ transport: 'websocket' }),
      connectionStringFor,
      endpointFor,
      faults,
      entities: {
        createQueue: (definition) => store.createQueue(parseEntities({ queues: [definition] }).queues![0]!),
        createTopic: (definition) => store.createTopic(parseEntities({ topics: [definition] }).topics![0]!),
        createSubscription: (topicName, definition) =>
          store.createSubscription(topicName, parseEntities({ topics: [{ name: topicName, subscriptions: [definition] }] }).topics![0]!.subscriptions![0]!),
        stats: () => store.stats(),
      },
      close: () => {
        closing ??= (async () => {
          store.stopSweeping();
          await Promise.all([openListeners.close(), openAdmin.close()]);
          openBroker.forgetConnections();
        })();
        return closing;
      },
    };
  } catch (error) {
    store.stopSweeping();
    await Promise.allSettled([listeners.close(), admin?.close()]);
    throw error;
  }
}

async function loadNamespace(options: ServiceBusEmulatorOptions): Promise<NamespaceDefinition> {
  const inline = options.entities ? parseEntities(options.entities, 'options.entities') : {};
  if (!options.entitiesFile) return inline;
  const file = await loadEntitiesFile(options.entitiesFile);
  const merged: NamespaceDefinition = {
    ...inline,
    ...file,
    queues: [...(inline.queues ?? []), ...(file.queues ?? [])],
    topics: [...(inline.topics ?? []), ...(file.topics ?? [])],
  };
  return parseEntities(merged, options.entitiesFile);
}
