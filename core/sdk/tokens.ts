/**
 * DI tokens an adapter may inject, one typed symbol each. The tenant container registers them
 * before it constructs the adapter; use them as `@inject(AdapterTokens.Config)`.
 */
export const AdapterTokens = {
  /** The adapter's validated, frozen config, with secret references already resolved. */
  Config: Symbol('hybrid-connector:adapter-config'),
  /** A logger bound to tenant and adapter id (AdapterLogger). */
  Logger: Symbol('hybrid-connector:adapter-logger'),
  /** The tenant id (string). */
  TenantId: Symbol('hybrid-connector:tenant-id'),
  /** The adapter's own folder under the OHS file root (string); file-transfer adapters only. */
  Folder: Symbol('hybrid-connector:adapter-folder'),
} as const;
