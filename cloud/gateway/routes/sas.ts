import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { scopes } from '../../../contracts/index.js';
import { MAX_SAS_LIFETIME_IN_MS } from '../../sas/sas-service.js';
import { authorize, caller } from '../authorization.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { parseOrThrow } from '../validation.js';

const sasRequestSchema = z.object({
  lifetimeInMs: z.number().int().min(60_000).max(MAX_SAS_LIFETIME_IN_MS).optional(),
});

/**
 * SAS for exactly what the caller's role may use in its tenant: an OHS gets Listen on its inbound entity, Send on
 * responses, ohs-events and the delivery entity of every subscriber that has a subscription, and read/write on the
 * container; a subscriber gets Listen on its own delivery entity and read on the container. At most one hour.
 */
export function registerSasRoutes(api: FastifyInstance, deps: GatewayDeps): void {
  api.post('/sas', { onRequest: authorize({ scope: scopes.sas, roles: ['ohs', 'subscriber'] }) }, async (request, reply) => {
    const { tenant } = request.params as { tenant: string };
    const { claims } = caller(request);
    const input = parseOrThrow(sasRequestSchema, request.body, 'body');
    const deliverySubscribers = claims.role === 'ohs' ? await deps.store.listSubscriberIds(tenant) : undefined;
    const grant = deps.sas.issue({
      tenantId: tenant,
      role: claims.role,
      clientId: claims.client_id,
      ...(input.lifetimeInMs ? { lifetimeInMs: input.lifetimeInMs } : {}),
      ...(deliverySubscribers ? { deliverySubscribers } : {}),
    });
    deps.logger.info(
      { tenant, clientId: claims.client_id, role: claims.role, entities: grant.serviceBus.entities.map((e) => e.entity), expiresOn: grant.expiresOn },
      'sas issued',
    );
    return reply.header('cache-control', 'no-store').send(grant);
  });
}
