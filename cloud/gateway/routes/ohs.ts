import type { FastifyInstance } from 'fastify';
import { scopes } from '../../../contracts/index.js';
import { authorize } from '../authorization.js';
import type { GatewayDeps } from '../gateway-deps.js';

/**
 * Routes for the tenant's OHS only. The subscription list lets an OHS that lost its local store (reinstall,
 * new machine) rebuild its subscriber list; live changes still arrive as messages on its inbound entity.
 */
export function registerOhsRoutes(api: FastifyInstance, deps: GatewayDeps): void {
  api.get('/ohs/subscriptions', { onRequest: authorize({ scope: scopes.ohs, roles: ['ohs'] }) }, async (request) => {
    const { tenant } = request.params as { tenant: string };
    return { subscriptions: await deps.store.listSubscriptions(tenant) };
  });
}
