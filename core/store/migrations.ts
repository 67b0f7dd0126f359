import type Database from 'better-sqlite3';

/** Schema migrations, applied in order; `user_version` records how far a database has come. */
const migrations: string[] = [
  `
  CREATE TABLE subscriptions (
    tenant_id        TEXT NOT NULL,
    subscription_id  TEXT NOT NULL,
    subscriber_id    TEXT NOT NULL,
    adapter_id       TEXT NOT NULL,
    feed             TEXT NOT NULL,
    delivery_entity  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, subscription_id)
  );
  CREATE INDEX subscriptions_by_feed ON subscriptions (tenant_id, adapter_id, feed);

  CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT NOT NULL,
    entity           TEXT NOT NULL,
    message_id       TEXT NOT NULL UNIQUE,
    envelope         TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT
  );
  CREATE INDEX outbox_due ON outbox (tenant_id, next_attempt_at, id);

  CREATE TABLE file_ledger (
    tenant_id        TEXT NOT NULL,
    adapter_id       TEXT NOT NULL,
    file_id          TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    size             INTEGER NOT NULL,
    mtime_ms         INTEGER NOT NULL,
    sha256           TEXT,
    state            TEXT NOT NULL,
    blob_name        TEXT,
    detail           TEXT,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, file_id)
  );
  CREATE INDEX file_ledger_by_name ON file_ledger (tenant_id, adapter_id, file_name);

  CREATE TABLE request_dedupe (
    tenant_id        TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    request_id       TEXT NOT NULL,
    state            TEXT NOT NULL,
    response         TEXT,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
  );
  `,
];

/** Bring a database up to the latest schema inside one transaction per step. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`store schema version ${current} is newer than this OHS understands (${migrations.length}); upgrade the OHS`);
  }
  for (let version = current; version < migrations.length; version += 1) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
