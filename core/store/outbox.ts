import type { Envelope } from '../../contracts/envelope.js';
import type { StoreDatabase } from './open-store.js';

/** A message waiting in the outbox. */
export interface OutboxItem {
  id: number;
  entity: string;
  envelope: Envelope;
  attempts: number;
}

/**
 * Messages accepted locally and not yet accepted by Service Bus. A row is deleted only after the
 * send succeeded, so a crash between the two re-sends (at-least-once; the message id stays the same
 * so receivers can drop the duplicate) and never loses.
 */
export class Outbox {
  readonly #db: StoreDatabase;

  constructor(db: StoreDatabase) {
    this.#db = db;
  }

  /** Add messages; callers wrap this in their own transaction when it must be atomic with other writes. */
  enqueue(tenantId: string, items: ReadonlyArray<{ entity: string; envelope: Envelope }>, now = Date.now()): void {
    const insert = this.#db.prepare('INSERT OR IGNORE INTO outbox (tenant_id, entity, message_id, envelope, created_at) VALUES (?, ?, ?, ?, ?)');
    for (const item of items) insert.run(tenantId, item.entity, item.envelope.messageId, JSON.stringify(item.envelope), now);
  }

  /** The oldest messages whose next attempt is due. */
  due(tenantId: string, limit: number, now = Date.now()): OutboxItem[] {
    const rows = this.#db
      .prepare('SELECT id, entity, envelope, attempts FROM outbox WHERE tenant_id = ? AND next_attempt_at <= ? ORDER BY id LIMIT ?')
      .all(tenantId, now, limit) as Array<{ id: number; entity: string; envelope: string; attempts: number }>;
    return rows.map((row) => ({ id: row.id, entity: row.entity, envelope: JSON.parse(row.envelope) as Envelope, attempts: row.attempts }));
  }

  /** Delete messages Service Bus has accepted. */
  remove(ids: readonly number[]): void {
    const del = this.#db.prepare('DELETE FROM outbox WHERE id = ?');
    this.#db.transaction(() => {
      for (const id of ids) del.run(id);
    })();
  }

  /** Record a failed attempt and when to try again. */
  defer(ids: readonly number[], error: string, nextAttemptAt: number): void {
    const update = this.#db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?');
    this.#db.transaction(() => {
      for (const id of ids) update.run(nextAttemptAt, error.slice(0, 2000), id);
    })();
  }

  /** How many messages wait, for status and back-pressure. */
  size(tenantId: string): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ?').get(tenantId) as { n: number }).n;
  }
}
