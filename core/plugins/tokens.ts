/** DI tokens of the OHS core's root and tenant scopes. Adapter-facing tokens live in core/sdk/tokens.ts. */
export const CoreTokens = {
  /** The AdapterRegistry of this build. */
  Registry: Symbol('hybrid-connector:core:adapter-registry'),
  /** The root pino logger. */
  RootLogger: Symbol('hybrid-connector:core:root-logger'),
  /** The tenant's logger (tenant scope). */
  TenantLogger: Symbol('hybrid-connector:core:tenant-logger'),
} as const;
