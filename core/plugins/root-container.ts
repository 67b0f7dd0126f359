import 'reflect-metadata';
import { container as globalContainer, type DependencyContainer } from 'tsyringe';
import type { Logger } from '../log/index.js';
import type { AdapterRegistry } from './adapter-registry.js';
import { CoreTokens } from './tokens.js';

/**
 * The root scope of one OHS process: shared services only. A child of tsyringe's global container
 * rather than the global itself, so tests and several OHS instances in one process stay isolated.
 */
export function createRootContainer(registry: AdapterRegistry, logger: Logger): DependencyContainer {
  const root = globalContainer.createChildContainer();
  root.register(CoreTokens.Registry, { useValue: registry });
  root.register(CoreTokens.RootLogger, { useValue: logger });
  return root;
}
