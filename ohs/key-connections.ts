import { BlobServiceClient } from '@azure/storage-blob';
import { entityNames } from '../contracts/entities.js';
import type { TenantConnections } from '../core/runtime/index.js';
import { ServiceBusChannel, type ServiceBusChannelOptions } from '../core/transport/index.js';

/** Connection settings of an OHS that uses shared keys (the sandbox, or a key-based deployment). */
export interface KeyConnectionSettings {
  serviceBusConnectionString: string;
  blobConnectionString: string;
  /** Extra channel options (mode, WebSocket port and options). */
  channel?: Omit<ServiceBusChannelOptions, 'host' | 'credentials'>;
  /** Create the tenant container when missing (sandbox). */
  createContainers?: boolean;
}

/** Connections for each tenant from connection strings with shared keys. */
export function keyConnections(settings: KeyConnectionSettings): (tenantId: string) => Promise<TenantConnections> {
  const blobService = BlobServiceClient.fromConnectionString(settings.blobConnectionString);
  return async (tenantId) => {
    const container = blobService.getContainerClient(entityNames.container(tenantId));
    if (settings.createContainers) await container.createIfNotExists();
    return { channel: ServiceBusChannel.fromConnectionString(settings.serviceBusConnectionString, settings.channel), container };
  };
}
