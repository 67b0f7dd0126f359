/** The running OHS: per-tenant runtimes wiring adapters, mechanisms, store and transport. */
export * from './tenant-runtime.js';
export * from './ohs-service.js';
