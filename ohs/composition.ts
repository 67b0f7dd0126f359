import 'reflect-metadata';
import { builtInAdapters } from '../adapters/index.js';
import { AdapterRegistry } from '../core/plugins/index.js';

/** The registry of this build: every built-in adapter. The OHS composition root is the only place core meets adapters. */
export function builtInRegistry(): AdapterRegistry {
  return new AdapterRegistry(builtInAdapters);
}
