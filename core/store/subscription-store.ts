import type { SubscriptionBody } from '../../contracts/envelope.js';
import type { StoreDatabase } from './open-store.js';

/** A stored feed subscription. */
export type StoredSubscription = SubscriptionBody;

/** The OHS's durable subscriber list (whitepaper: "The OHS will store this information in its subscriber list"). */
export class SubscriptionStore {
  readonly #db: StoreDatabase;

  constructor(db: StoreDatabase) {
    this.#db = db;
  }

  /**
   * Insert or replace a subscription; replaying the same upsert is harmless. A subscriber has at most one
   * subscription per feed: a newer id for the same (subscriber, adapter, feed) replaces the older one, so a
   * cloud side that lost its own records cannot make the OHS deliver every record twice.
   */
  upsert(tenantId: string, subscription: StoredSubscription): void {
    this.#db.transaction(() => {
      this.#db
        .prepare('DELETE FROM subscriptions WHERE tenant_id = ? AND subscriber_id = ? AND adapter_id = ? AND feed = ? AND subscription_id <> ?')
        .run(tenantId, subscription.subscriberId, subscription.adapterId, subscription.feed, subscription.subscriptionId);
      this.#insert(tenantId, subscription);
    })();
  }

  #insert(tenantId: string, subscription: StoredSubscription): void {
    this.#db
      .prepare(
        `INSERT INTO subscriptions (tenant_id, subscription_id, subscriber_id, adapter_id, feed, delivery_entity, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, subscription_id) DO UPDATE SET
           subscriber_id = excluded.subscriber_id, adapter_id = excluded.adapter_id, feed = excluded.feed,
           delivery_entity = excluded.delivery_entity`,
      )
      .run(tenantId, subscription.subscriptionId, subscription.subscriberId, subscription.adapterId, subscription.feed, subscription.deliveryEntity, subscription.createdAt);
  }

  /** Remove a subscription; true when one was removed. */
  remove(tenantId: string, subscriptionId: string): boolean {
    return this.#db.prepare('DELETE FROM subscriptions WHERE tenant_id = ? AND subscription_id = ?').run(tenantId, subscriptionId).changes > 0;
  }

  /** Subscribers of one feed of one adapter. */
  forFeed(tenantId: string, adapterId: string, feed: string): StoredSubscription[] {
    return (
      this.#db
        .prepare('SELECT * FROM subscriptions WHERE tenant_id = ? AND adapter_id = ? AND feed = ? ORDER BY created_at, subscription_id')
        .all(tenantId, adapterId, feed) as SubscriptionRow[]
    ).map(fromRow);
  }

  /** Every subscription of a tenant. */
  list(tenantId: string): StoredSubscription[] {
    return (this.#db.prepare('SELECT * FROM subscriptions WHERE tenant_id = ? ORDER BY created_at, subscription_id').all(tenantId) as SubscriptionRow[]).map(fromRow);
  }
}

interface SubscriptionRow {
  subscription_id: string;
  subscriber_id: string;
  adapter_id: string;
  feed: string;
  delivery_entity: string;
  created_at: string;
}

function fromRow(row: SubscriptionRow): StoredSubscription {
  return {
    subscriptionId: row.subscription_id,
    subscriberId: row.subscriber_id,
    adapterId: row.adapter_id,
    feed: row.feed,
    deliveryEntity: row.delivery_entity,
    createdAt: row.created_at,
  };
}
