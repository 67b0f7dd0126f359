import { z } from 'zod';

/**
 * A tenant id: lowercase letters, digits and hyphens, 3 to 40 characters, starting with a letter.
 * Narrow on purpose: it becomes part of Service Bus entity names and of a Blob container name
 * (3-63 chars, lowercase, digits, hyphens), so anything wider would need escaping at every boundary.
 */
export const tenantIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{2,39}$/, 'tenant id must be 3-40 characters: lowercase letters, digits and hyphens, starting with a letter')
  .describe('Tenant (customer) identifier');

/** A validated tenant id. */
export type TenantId = z.infer<typeof tenantIdSchema>;
