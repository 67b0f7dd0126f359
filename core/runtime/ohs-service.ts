import { join } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import type { Logger } from '../log/index.js';
import { createRootContainer, type AdapterRegistry, type LoadedPlugins } from '../plugins/index.js';
import { openStore, type StoreDatabase } from '../store/index.js';
import { TenantRuntime, type TenantChannel, type TenantRuntimeOptions, type TenantStatus } from './tenant-runtime.js';

/** How a tenant reaches the cloud: its Service Bus channel and Blob container. */
export interface TenantConnections {
  channel: TenantChannel;
  container: ContainerClient;
  /** Release credentials machinery (token refresh, SAS rotation) after the tenant stopped. */
  close?: () => Promise<void>;
  /** Obtain send access to a new subscriber's delivery entity (SAS deployments). */
  ensureDeliveryAccess?: (entity: string) => Promise<void>;
}

/** Options of {@link OhsService}. */
export interface OhsServiceOptions {
  registry: AdapterRegistry;
  plugins: LoadedPlugins;
  /** Folder of the local SQLite store. */
  dataDir: string;
  /** Root of the file-transfer folders. */
  fileRoot: string;
  logger: Logger;
  /** Build a tenant's connections (sandbox connection strings, or SAS-based in production). */
  connect: (tenantId: string) => Promise<TenantConnections>;
  fileWatch?: TenantRuntimeOptions['fileWatch'];
  afterUpload?: TenantRuntimeOptions['afterUpload'];
}

/** The On-premises Hybrid Service: one runtime per tenant of plugins.json over one local store. */
export class OhsService {
  readonly #o: OhsServiceOptions;
  readonly #tenants = new Map<string, TenantRuntime>();
  readonly #connections: TenantConnections[] = [];
  #db: StoreDatabase | undefined;

  constructor(options: OhsServiceOptions) {
    this.#o = options;
  }

  /** Start every tenant. A tenant that cannot start is stopped again and the error thrown, naming it. */
  async start(): Promise<void> {
    const o = this.#o;
    this.#db = openStore(join(o.dataDir, 'ohs.db'));
    const root = createRootContainer(o.registry, o.logger);
    try {
      for (const tenant of o.plugins.tenants) {
        const connections = await o.connect(tenant.tenantId);
        this.#connections.push(connections);
        const { channel, container, ensureDeliveryAccess } = connections;
        const runtime = new TenantRuntime({ root, tenant, db: this.#db, fileRoot: o.fileRoot, channel, container, ensureDeliveryAccess, logger: o.logger, fileWatch: o.fileWatch, afterUpload: o.afterUpload });
        this.#tenants.set(tenant.tenantId, runtime);
        await runtime.start();
      }
    } catch (error) {
      // Half a service is worse than none: release what started, then report why.
      await this.stop().catch(() => undefined);
      throw error;
    }
    o.logger.info({ tenants: [...this.#tenants.keys()] }, 'OHS started');
  }

  /** A tenant's runtime. */
  tenant(tenantId: string): TenantRuntime {
    const runtime = this.#tenants.get(tenantId);
    if (!runtime) throw new Error(`tenant ${tenantId} is not served by this OHS`);
    return runtime;
  }

  /** Status of every tenant. */
  status(): TenantStatus[] {
    return [...this.#tenants.values()].map((t) => t.status());
  }

  /** Stop every tenant and close the store. */
  async stop(): Promise<void> {
    for (const runtime of [...this.#tenants.values()].reverse()) await runtime.stop();
    this.#tenants.clear();
    for (const connections of this.#connections.splice(0)) await connections.close?.();
    this.#db?.close();
    this.#db = undefined;
  }
}
