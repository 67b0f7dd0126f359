import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { entityNames, envelopeProperties, scopes, type SubscriptionBody } from '../../../contracts/index.js';
import { authorize, caller } from '../authorization.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { GatewayError } from '../gateway-error.js';
import { parseOrThrow } from '../validation.js';
import { adapterIdSchema, nameSchema, relayFailure } from './common.js';

const createSubscriptionSchema = z.object({
  adapterId: adapterIdSchema,
  feed: nameSchema,
});

const idParamsSchema = z.object({ tenant: z.string(), id: z.uuid('subscription id must be a UUID') });

/**
 * Feed subscriptions of the calling subscriber. The list lives in the tenant's Blob container; every change
 * is relayed to the tenant's OHS (`subscription.upsert` / `subscription.delete` on its inbound entity), and
 * records then arrive on the subscriber's own delivery entity.
 */
export function registerSubscriptionRoutes(api: FastifyInstance, deps: GatewayDeps): void {
  const access = { onRequest: authorize({ scope: scopes.feeds, roles: ['subscriber'] }) };

  api.post('/subscriptions', access, async (request, reply) => {
    const { tenant } = request.params as { tenant: string };
    const subscriberId = caller(request).claims.client_id;
    const input = parseOrThrow(createSubscriptionSchema, request.body, 'body');
    const existing = (await deps.store.listSubscriptions(tenant, subscriberId)).find((s) => s.adapterId === input.adapterId && s.feed === input.feed);
    const subscription: SubscriptionBody = existing ?? {
      subscriptionId: randomUUID(),
      subscriberId,
      adapterId: input.adapterId,
      feed: input.feed,
      deliveryEntity: entityNames.delivery(tenant, subscriberId),
      createdAt: new Date().toISOString(),
    };
    if (!existing) await deps.store.putSubscription(tenant, subscription);
    try {
      // Re-sent for an existing subscription too: an upsert is idempotent, and this heals a lost relay.
      await deps.bus.send(entityNames.ohsInbound(tenant), {
        messageId: randomUUID(),
        correlationId: subscription.subscriptionId,
        properties: envelopeProperties(tenant, 'subscription.upsert', { adapterId: subscription.adapterId, feed: subscription.feed }),
        body: subscription,
      });
    } catch (err) {
      if (!existing) await deps.store.deleteSubscription(tenant, subscriberId, subscription.subscriptionId).catch(() => undefined);
      throw relayFailure(deps, err, 'subscription could not be relayed to the OHS');
    }
    deps.logger.info({ tenant, subscriberId, subscriptionId: subscription.subscriptionId, adapterId: subscription.adapterId, feed: subscription.feed }, 'subscription relayed');
    return reply.code(existing ? 200 : 201).send(subscription);
  });

  api.get('/subscriptions', access, async (request) => {
    const { tenant } = request.params as { tenant: string };
    return { subscriptions: await deps.store.listSubscriptions(tenant, caller(request).claims.client_id) };
  });

  api.get('/subscriptions/:id', access, async (request) => {
    const { tenant, id } = parseOrThrow(idParamsSchema, request.params, 'params');
    const found = await deps.store.getSubscription(tenant, caller(request).claims.client_id, id);
    if (!found) throw new GatewayError('not_found', 'no such subscription');
    return found;
  });

  api.delete('/subscriptions/:id', access, async (request, reply) => {
    const { tenant, id } = parseOrThrow(idParamsSchema, request.params, 'params');
    const subscriberId = caller(request).claims.client_id;
    const found = await deps.store.getSubscription(tenant, subscriberId, id);
    if (!found) throw new GatewayError('not_found', 'no such subscription');
    try {
      await deps.bus.send(entityNames.ohsInbound(tenant), {
        messageId: randomUUID(),
        correlationId: id,
        properties: envelopeProperties(tenant, 'subscription.delete', { adapterId: found.adapterId, feed: found.feed }),
        body: { subscriptionId: id, subscriberId },
      });
    } catch (err) {
      throw relayFailure(deps, err, 'unsubscription could not be relayed to the OHS');
    }
    // Deleted only after the OHS was told, so that a failed relay leaves a subscription the caller can delete again.
    await deps.store.deleteSubscription(tenant, subscriberId, id);
    deps.logger.info({ tenant, subscriberId, subscriptionId: id }, 'subscription deleted');
    return reply.code(204).send();
  });
}
