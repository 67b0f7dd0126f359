import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

/** The OHS's local SQLite database handle. */
export type StoreDatabase = Database.Database;

/**
 * Open (creating if needed) the OHS's local durable store. WAL mode with `synchronous = FULL`, because
 * the store's whole point is that an acknowledged record survives a killed process or a power cut.
 * Pass `:memory:` in unit tests.
 */
export function openStore(path: string): StoreDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
