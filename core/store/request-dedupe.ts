import type { ResponseBody } from '../../contracts/envelope.js';
import type { StoreDatabase } from './open-store.js';

/** What the dedupe table knows of an idempotency key. */
export type DedupeState = { state: 'new' } | { state: 'executing'; requestId: string } | { state: 'answered'; response: ResponseBody };

/**
 * Request de-duplication: a repeated idempotency key returns the first answer without executing
 * again. `claim` is atomic, so two deliveries of one request cannot both execute it.
 */
export class RequestDedupe {
  readonly #db: StoreDatabase;

  constructor(db: StoreDatabase) {
    this.#db = db;
  }

  /** Claim a key for execution; tells the caller whether it is new, already running, or answered. */
  claim(tenantId: string, idempotencyKey: string, requestId: string, now = Date.now()): DedupeState {
    const inserted = this.#db
      .prepare(`INSERT OR IGNORE INTO request_dedupe (tenant_id, idempotency_key, request_id, state, created_at) VALUES (?, ?, ?, 'executing', ?)`)
      .run(tenantId, idempotencyKey, requestId, now).changes;
    if (inserted === 1) return { state: 'new' };
    const row = this.#db.prepare('SELECT request_id, state, response FROM request_dedupe WHERE tenant_id = ? AND idempotency_key = ?').get(tenantId, idempotencyKey) as {
      request_id: string;
      state: string;
      response: string | null;
    };
    if (row.state === 'answered' && row.response !== null) return { state: 'answered', response: JSON.parse(row.response) as ResponseBody };
    return { state: 'executing', requestId: row.request_id };
  }

  /** Store the answer of a claimed key. */
  answer(tenantId: string, idempotencyKey: string, response: ResponseBody): void {
    this.#db.prepare(`UPDATE request_dedupe SET state = 'answered', response = ? WHERE tenant_id = ? AND idempotency_key = ?`).run(JSON.stringify(response), tenantId, idempotencyKey);
  }

  /** Release a claim whose execution was interrupted before any effect (e.g. shutdown), so a redelivery may run it. */
  release(tenantId: string, idempotencyKey: string): void {
    this.#db.prepare(`DELETE FROM request_dedupe WHERE tenant_id = ? AND idempotency_key = ? AND state = 'executing'`).run(tenantId, idempotencyKey);
  }

  /** Forget answers older than a retention period. */
  prune(olderThanMs: number, now = Date.now()): number {
    return this.#db.prepare(`DELETE FROM request_dedupe WHERE state = 'answered' AND created_at < ?`).run(now - olderThanMs).changes;
  }
}
