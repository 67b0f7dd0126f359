import { randomUUID } from 'node:crypto';
import { envelopeProperties, type Envelope, type FeedRecordsBody } from '../../../contracts/envelope.js';
import { feedRecordSchema, type FeedRecord } from '../../../contracts/records.js';
import { HybridError, type AdapterContext, type FeedContext, type PublishReceipt } from '../../sdk/index.js';
import type { Outbox, StoreDatabase, SubscriptionStore } from '../../store/index.js';

/** Options of {@link FeedPublisher}. */
export interface FeedPublisherOptions {
  db: StoreDatabase;
  subscriptions: SubscriptionStore;
  outbox: Outbox;
  /** Called after records were committed, to wake the outbox drainer. */
  wake: () => void;
  /** Records per Service Bus message; larger batches are split. Default 500. */
  maxRecordsPerMessage?: number;
}

/**
 * The Data Feed mechanism's entry point for adapters: validates a batch, then in ONE SQLite
 * transaction fans it out into outbox messages for every subscriber of the feed. When `publish`
 * resolves the records are on disk, which is what lets an adapter acknowledge its head-end.
 */
export class FeedPublisher {
  readonly #o: FeedPublisherOptions;

  constructor(options: FeedPublisherOptions) {
    this.#o = options;
  }

  /** Validate and durably fan out one batch; all records or none. */
  publish(tenantId: string, adapterId: string, feed: string, records: readonly FeedRecord[]): PublishReceipt & { subscribers: number } {
    const problems: string[] = [];
    records.forEach((record, index) => {
      const parsed = feedRecordSchema.safeParse(record);
      if (!parsed.success && problems.length < 10) {
        problems.push(`record ${index}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'} ${i.message}`).join('; ')}`);
      }
    });
    if (problems.length > 0) {
      throw new HybridError('invalid-input', `feed ${feed}: batch rejected, nothing stored:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
    }
    const batchId = randomUUID();
    const size = this.#o.maxRecordsPerMessage ?? 500;
    const subscribers = this.#o.subscriptions.forFeed(tenantId, adapterId, feed);
    this.#o.db.transaction(() => {
      for (const subscription of subscribers) {
        const items: Array<{ entity: string; envelope: Envelope<FeedRecordsBody> }> = [];
        for (let start = 0, part = 0; start < records.length; start += size, part += 1) {
          items.push({
            entity: subscription.deliveryEntity,
            envelope: {
              messageId: `${batchId}.${subscription.subscriptionId}.${part}`,
              correlationId: batchId,
              properties: envelopeProperties(tenantId, 'feed.records', { adapterId, feed }),
              body: { subscriptionId: subscription.subscriptionId, adapterId, feed, records: records.slice(start, start + size) },
            },
          });
        }
        this.#o.outbox.enqueue(tenantId, items);
      }
    })();
    if (subscribers.length > 0) this.#o.wake();
    return { batchId, accepted: records.length, subscribers: subscribers.length };
  }

  /** The FeedContext handed to a data-feed adapter: publish limited to the feeds its manifest declares. */
  contextFor(base: AdapterContext, adapterId: string, declaredFeeds: readonly string[]): FeedContext {
    return {
      ...base,
      publish: async (feed, records) => {
        if (!declaredFeeds.includes(feed)) {
          throw new HybridError('unknown-feed', `adapter ${adapterId} published to undeclared feed "${feed}"; declared: ${declaredFeeds.join(', ')}`);
        }
        const { batchId, accepted } = this.publish(base.tenantId, adapterId, feed, records);
        return { batchId, accepted };
      },
    };
  }
}
