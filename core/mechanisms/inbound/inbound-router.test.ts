import { describe, expect, it } from 'vitest';
import { envelopeProperties, type Envelope } from '../../../contracts/envelope.js';
import { HybridError, isHybridError } from '../../sdk/index.js';
import { openStore, SubscriptionStore } from '../../store/index.js';
import type { FileDownloader } from '../files/file-downloader.js';
import type { RequestRouter } from '../request/request-router.js';
import { InboundRouter } from './inbound-router.js';

function setup(ensureDeliveryAccess?: (entity: string) => Promise<void>) {
  const subscriptions = new SubscriptionStore(openStore(':memory:'));
  const router = new InboundRouter({
    tenantId: 'acme',
    subscriptions,
    requests: {} as RequestRouter,
    downloads: {} as FileDownloader,
    offersFeed: (adapterId, feed) => adapterId === 'owoc' && feed === 'readings',
    ensureDeliveryAccess,
  });
  return { router, subscriptions };
}

const upsert = (body: Record<string, unknown>, tenantId = 'acme'): Envelope => ({
  messageId: 'm1',
  properties: envelopeProperties(tenantId, 'subscription.upsert'),
  body: { subscriptionId: 's1', subscriberId: 'analytics', adapterId: 'owoc', feed: 'readings', deliveryEntity: 'ihc.acme.deliveries.analytics', createdAt: '2024-01-01T00:00:00Z', ...body },
});

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as HybridError);

describe('InboundRouter', () => {
  it('obtains send access to the delivery entity, then stores the subscription', async () => {
    const asked: string[] = [];
    const { router, subscriptions } = setup(async (entity) => void asked.push(entity));
    await router.handle(upsert({}));
    expect(asked).toEqual(['ihc.acme.deliveries.analytics']);
    expect(subscriptions.list('acme').map((s) => s.subscriptionId)).toEqual(['s1']);
  });

  it('stores nothing while access cannot be obtained, leaving the message to be retried', async () => {
    const { router, subscriptions } = setup(async () => {
      throw new HybridError('transport', 'SAS service unreachable', { retryable: true });
    });
    const error = await rejection(router.handle(upsert({})));
    expect(error?.retryable).toBe(true);
    expect(subscriptions.list('acme')).toEqual([]);
  });

  it('refuses deliveries to another entity, other tenants, unknown feeds and malformed bodies, not retryable', async () => {
    const { router, subscriptions } = setup();
    for (const [envelope, code] of [
      [upsert({ deliveryEntity: 'ihc.acme.ohs-inbound' }), 'forbidden'],
      [upsert({}, 'other-tenant'), 'forbidden'],
      [upsert({ feed: 'alarms' }), 'invalid-input'],
      [upsert({ subscriberId: undefined }), 'invalid-input'],
    ] as const) {
      const error = await rejection(router.handle(envelope));
      expect(isHybridError(error, code), `${JSON.stringify(envelope.body)} → ${code}`).toBe(true);
      expect(error?.retryable).toBe(false);
    }
    expect(subscriptions.list('acme')).toEqual([]);
  });
});
