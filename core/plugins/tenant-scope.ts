import { join } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from '../log/index.js';
import { AdapterTokens, HybridError, type AdapterLogger, type AdapterManifest } from '../sdk/index.js';
import type { AdapterRegistry } from './adapter-registry.js';
import type { LoadedTenant } from './plugins-file.js';
import { CoreTokens } from './tokens.js';

/** An adapter instance living in its tenant's scope. */
export interface ScopedAdapter {
  manifest: AdapterManifest;
  instance: { start(context: never): Promise<void>; stop(): Promise<void> };
  /** The adapter's own container (a child of the tenant container). */
  container: DependencyContainer;
}

/** Options of {@link TenantScope.create}. */
export interface TenantScopeOptions {
  /** OHS file root; file-transfer adapters get `<fileRoot>/<tenant>/<folder>` as AdapterTokens.Folder. */
  fileRoot?: string;
}

/**
 * One tenant's dependency-injection scope: a child of the root container holding tenant-wide
 * services, with one grandchild per enabled adapter holding that adapter's config, so two adapters
 * of one tenant never see each other's settings. Disposing the scope stops every adapter and
 * disposes the containers, releasing what was registered by value.
 */
export class TenantScope {
  readonly tenantId: string;
  readonly container: DependencyContainer;
  readonly adapters: ReadonlyMap<string, ScopedAdapter>;
  #disposed = false;
  readonly #owned: unknown[] = [];

  private constructor(tenantId: string, container: DependencyContainer, adapters: Map<string, ScopedAdapter>) {
    this.tenantId = tenantId;
    this.container = container;
    this.adapters = adapters;
  }

  /** Build the tenant's container and construct (not start) every enabled adapter through tsyringe. */
  static create(root: DependencyContainer, tenant: LoadedTenant, options: TenantScopeOptions = {}): TenantScope {
    const registry = root.resolve<AdapterRegistry>(CoreTokens.Registry);
    const rootLogger = root.resolve<Logger>(CoreTokens.RootLogger);
    const container = root.createChildContainer();
    const tenantLogger = rootLogger.child({ tenant: tenant.tenantId });
    container.register(AdapterTokens.TenantId, { useValue: tenant.tenantId });
    container.register(CoreTokens.TenantLogger, { useValue: tenantLogger });
    const adapters = new Map<string, ScopedAdapter>();
    for (const entry of tenant.adapters) {
      if (!entry.enabled) continue;
      const manifest = registry.get(entry.adapterId);
      const adapterContainer = container.createChildContainer();
      adapterContainer.register(AdapterTokens.Config, { useValue: entry.config });
      adapterContainer.register(AdapterTokens.Logger, { useValue: tenantLogger.child({ adapter: manifest.id }) as AdapterLogger });
      if (manifest.method === 'file-transfer' && options.fileRoot !== undefined) {
        adapterContainer.register(AdapterTokens.Folder, { useValue: join(options.fileRoot, tenant.tenantId, manifest.files.folder) });
      }
      let instance: ScopedAdapter['instance'];
      try {
        instance = adapterContainer.resolve(manifest.implementation as unknown as new (...args: unknown[]) => ScopedAdapter['instance']);
      } catch (error) {
        throw new HybridError('invalid-manifest', `adapter "${manifest.id}" could not be constructed for tenant ${tenant.tenantId}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      adapters.set(manifest.id, { manifest, instance, container: adapterContainer });
    }
    return new TenantScope(tenant.tenantId, container, adapters);
  }

  /** The scoped adapter of an id, or an `unknown-adapter` error naming the tenant's adapters. */
  get(adapterId: string): ScopedAdapter {
    const adapter = this.adapters.get(adapterId);
    if (adapter === undefined) {
      throw new HybridError('unknown-adapter', `adapter "${adapterId}" is not enabled for tenant ${this.tenantId}; enabled: ${[...this.adapters.keys()].join(', ') || 'none'}`);
    }
    return adapter;
  }

  /**
   * Register a tenant-wide service by value and take ownership of it: on dispose its `dispose()` or
   * `close()` is called (tsyringe only disposes instances it constructed itself).
   */
  provide<T>(token: symbol | string, value: T): T {
    this.container.register(token, { useValue: value });
    this.#owned.push(value);
    return value;
  }

  /** Stop every adapter (last constructed first), then dispose the containers. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const failures: unknown[] = [];
    for (const adapter of [...this.adapters.values()].reverse()) {
      try {
        await adapter.instance.stop();
      } catch (error) {
        failures.push(error);
      }
      await adapter.container.dispose();
    }
    for (const value of this.#owned.reverse()) {
      const closable = value as { dispose?: () => unknown; close?: () => unknown };
      try {
        if (typeof closable.dispose === 'function') await closable.dispose();
        else if (typeof closable.close === 'function') await closable.close();
      } catch (error) {
        failures.push(error);
      }
    }
    await this.container.dispose();
    if (failures.length > 0) {
      throw new HybridError('internal', `tenant ${this.tenantId}: ${failures.length} adapter(s) or service(s) failed to stop`, { cause: failures[0] });
    }
  }
}
