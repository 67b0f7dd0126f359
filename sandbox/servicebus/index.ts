/**
 * The Service Bus sandbox: a local AMQP 1.0 broker for the real `@azure/service-bus` client (what Azurite is for
 * Blob storage). Start it with {@link startServiceBusEmulator}; see README.md for connection strings and SAS tokens.
 */
export { startServiceBusEmulator, DEFAULT_ACCESS_RULE } from './emulator.js';
export type { ServiceBusEmulator, ServiceBusEmulatorOptions, EmulatorEntities } from './emulator.js';
export type { ConnectionStringOptions, EmulatorTransport } from './connection-strings.js';
export { createSasToken, parseSasToken } from './sas-token.js';
export type { SasTokenOptions, ParsedSasToken } from './sas-token.js';
export { Faults } from './faults.js';
export type { DropConnectionsOptions, RefuseConnectionsOptions, ServerBusyOptions, ExpireLocksOptions } from './faults.js';
export { loadEntitiesFile, parseEntities, EntitiesFileError } from './entities-file.js';
export type {
  AccessRight,
  SharedAccessRule,
  NamespaceDefinition,
  QueueDefinition,
  TopicDefinition,
  SubscriptionDefinition,
  SubscriptionRule,
  CorrelationFilter,
} from './entity-definitions.js';
export type { QueueStats } from './queue.js';
export { AmqpConditions } from './amqp-conditions.js';
export { WEBSOCKET_PATH, WEBSOCKET_SUBPROTOCOL } from './transport-listeners.js';
export { createSelfSignedCertificate } from './self-signed-certificate.js';
export type { TlsMaterial } from './transport-listeners.js';
