import { z } from 'zod';
import type { GatewayDeps } from '../gateway-deps.js';
import { GatewayError } from '../gateway-error.js';

/** An adapter id: kebab-case, as adapter manifests declare it. */
export const adapterIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a kebab-case adapter id (lowercase letters, digits, hyphens)');

/** A feed or operation name. */
export const nameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, dots, underscores or hyphens');

/** Log a Service Bus or Blob failure and turn it into a 503 that says nothing about the library. */
export function relayFailure(deps: GatewayDeps, err: unknown, message: string): GatewayError {
  deps.logger.error({ err }, message);
  return new GatewayError('upstream_unavailable', `${message}; retry later`);
}
