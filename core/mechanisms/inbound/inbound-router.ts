import { entityNames, subscriberIdPattern } from '../../../contracts/entities.js';
import {
  bodySchemaByKind,
  claimCheckBodySchema,
  type Envelope,
  type FileDownloadBody,
  type RequestBody,
  type SubscriptionBody,
} from '../../../contracts/envelope.js';
import type { Logger } from '../../log/index.js';
import { HybridError } from '../../sdk/index.js';
import type { SubscriptionStore } from '../../store/index.js';
import type { ClaimCheckStore } from '../../transport/claim-check-store.js';
import type { FileDownloader } from '../files/file-downloader.js';
import type { RequestRouter } from '../request/request-router.js';

/** Options of {@link InboundRouter}. */
export interface InboundRouterOptions {
  tenantId: string;
  subscriptions: SubscriptionStore;
  requests: RequestRouter;
  downloads: FileDownloader;
  claimChecks?: ClaimCheckStore;
  /** Whether an enabled adapter of the tenant offers this feed (file adapters offer "files"). */
  offersFeed: (adapterId: string, feed: string) => boolean;
  /**
   * Make sure the OHS may send to a new subscriber's delivery entity (with SAS, a grant refresh) before
   * the subscription is stored; a failure leaves the message to be retried.
   */
  ensureDeliveryAccess?: (entity: string) => Promise<void>;
  logger?: Logger;
}

/**
 * Dispatches what the cloud sends on the tenant's inbound entity to the mechanism it is for. Anything
 * malformed, for another tenant, or pointing deliveries at an entity other than the subscriber's own
 * is refused with a non-retryable error (the channel dead-letters it) rather than half-applied.
 */
export class InboundRouter {
  readonly #o: InboundRouterOptions;

  constructor(options: InboundRouterOptions) {
    this.#o = options;
  }

  /** Handle one inbound envelope. */
  async handle(envelope: Envelope): Promise<void> {
    const o = this.#o;
    const { kind, tenantId } = envelope.properties;
    if (tenantId !== o.tenantId) throw new HybridError('forbidden', `message ${envelope.messageId} is for tenant ${tenantId}, not ${o.tenantId}`, { retryable: false });
    let body = envelope.body;
    if (envelope.properties.claimCheck) {
      if (o.claimChecks === undefined) throw new HybridError('invalid-input', 'claim-checked message but no claim-check store is configured', { retryable: false });
      const reference = claimCheckBodySchema.parse(body);
      body = JSON.parse((await o.claimChecks.get(reference)).toString('utf8'));
    }
    const parsed = bodySchemaByKind[kind].safeParse(body);
    if (!parsed.success) {
      throw new HybridError('invalid-input', `${kind} message ${envelope.messageId}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`, { retryable: false });
    }
    switch (kind) {
      case 'subscription.upsert':
        return await this.#subscribe(parsed.data as SubscriptionBody);
      case 'subscription.delete': {
        const removed = o.subscriptions.remove(o.tenantId, (parsed.data as SubscriptionBody).subscriptionId);
        o.logger?.info({ subscriptionId: (parsed.data as SubscriptionBody).subscriptionId, removed }, 'subscription removed');
        return;
      }
      case 'request':
        await o.requests.handle(parsed.data as RequestBody);
        return;
      case 'file.download':
        await o.downloads.download(parsed.data as FileDownloadBody);
        return;
      default:
        throw new HybridError('invalid-input', `the OHS does not accept ${kind} messages on its inbound entity`, { retryable: false });
    }
  }

  async #subscribe(subscription: SubscriptionBody): Promise<void> {
    const o = this.#o;
    if (!subscriberIdPattern.test(subscription.subscriberId)) {
      throw new HybridError('invalid-input', `subscriber id "${subscription.subscriberId}" is not valid`, { retryable: false });
    }
    const expected = entityNames.delivery(o.tenantId, subscription.subscriberId);
    if (subscription.deliveryEntity !== expected) {
      throw new HybridError('forbidden', `subscription ${subscription.subscriptionId} asks for delivery to ${subscription.deliveryEntity}; a subscriber's deliveries go only to ${expected}`, { retryable: false });
    }
    if (!o.offersFeed(subscription.adapterId, subscription.feed)) {
      throw new HybridError('invalid-input', `adapter ${subscription.adapterId} is not enabled for tenant ${o.tenantId} or offers no feed "${subscription.feed}"`, { retryable: false });
    }
    await o.ensureDeliveryAccess?.(expected);
    o.subscriptions.upsert(o.tenantId, subscription);
    o.logger?.info({ subscriptionId: subscription.subscriptionId, subscriber: subscription.subscriberId, adapter: subscription.adapterId, feed: subscription.feed }, 'subscription stored');
  }
}
