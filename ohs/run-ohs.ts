import { resolve } from 'node:path';
import type { Logger } from '../core/log/index.js';
import { startManagementServer, type ManagementServer } from '../core/ops/management-server.js';
import { formatProblem, loadPluginsFile, type AdapterRegistry } from '../core/plugins/index.js';
import { OhsService, type TenantConnections } from '../core/runtime/index.js';
import { HybridError } from '../core/sdk/index.js';

/** Settings of one OHS process. */
export interface OhsSettings {
  pluginsFile: string;
  dataDir: string;
  fileRoot: string;
  connect: (tenantId: string) => Promise<TenantConnections>;
  managementPort?: number;
  fileWatch?: { stableForInMs?: number; usePolling?: boolean; retryEveryInMs?: number };
  afterUpload?: 'archive' | 'delete';
}

/** A running OHS with its management API. */
export interface RunningOhs {
  service: OhsService;
  management: ManagementServer;
  stop(): Promise<void>;
}

/** Validate plugins.json, start every tenant and the management API. */
export async function runOhs(registry: AdapterRegistry, settings: OhsSettings, logger: Logger): Promise<RunningOhs> {
  const loaded = await loadPluginsFile(settings.pluginsFile, registry);
  if (!loaded.ok) {
    throw new HybridError('invalid-config', `${settings.pluginsFile} has ${loaded.problems.length} problem(s):\n  - ${loaded.problems.map(formatProblem).join('\n  - ')}`);
  }
  const service = new OhsService({
    registry,
    plugins: loaded.plugins,
    dataDir: resolve(settings.dataDir),
    fileRoot: resolve(settings.fileRoot),
    logger,
    connect: settings.connect,
    fileWatch: settings.fileWatch,
    afterUpload: settings.afterUpload,
  });
  await service.start();
  const management = await startManagementServer({ port: settings.managementPort ?? 0, status: () => service.status() });
  logger.info({ management: management.url }, 'management API listening');
  return {
    service,
    management,
    stop: async () => {
      await management.close();
      await service.stop();
    },
  };
}
