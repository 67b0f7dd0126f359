import { z } from 'zod';
import { tenantIdSchema } from '../../contracts/tenant-id.js';

/** One adapter's entry under a tenant in plugins.json. */
export const adapterEntrySchema = z
  .object({
    enabled: z.boolean().default(true).describe('Whether the adapter runs for this tenant'),
    config: z.record(z.string(), z.unknown()).default({}).describe("The adapter's configuration; see its manifest"),
  })
  .strict();

/** One tenant in plugins.json. */
export const tenantEntrySchema = z
  .object({
    displayName: z.string().optional().describe('Human-readable tenant name'),
    adapters: z.record(z.string(), adapterEntrySchema).describe('Adapters enabled for this tenant, by adapter id'),
  })
  .strict();

/** The shape of plugins.json before adapter configs are checked against their manifests. */
export const pluginsFileSchema = z
  .object({
    $schema: z.string().optional(),
    tenants: z.record(tenantIdSchema, tenantEntrySchema),
  })
  .strict();

/** plugins.json as parsed, before adapter-level validation. */
export type PluginsFile = z.infer<typeof pluginsFileSchema>;

/** An adapter enabled for a tenant, with its validated, frozen config (secrets resolved). */
export interface LoadedAdapter {
  adapterId: string;
  enabled: boolean;
  config: Readonly<Record<string, unknown>>;
}

/** A tenant of a validated plugins.json. */
export interface LoadedTenant {
  tenantId: string;
  displayName: string | undefined;
  adapters: readonly LoadedAdapter[];
}

/** A validated, frozen plugins.json. */
export interface LoadedPlugins {
  tenants: readonly LoadedTenant[];
}
