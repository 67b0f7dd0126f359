/** Plugin loading: the adapter registry, plugins.json validation, JSON Schema and tenant scopes. */
export * from './adapter-registry.js';
export * from './secret-reference.js';
export * from './plugins-file.js';
export * from './plugin-problem.js';
export * from './validate-plugins.js';
export * from './load-plugins-file.js';
export * from './plugins-json-schema.js';
export * from './tokens.js';
export * from './tenant-scope.js';
export * from './root-container.js';
