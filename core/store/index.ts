/** Local durable state of the OHS (SQLite): subscriptions, outbox, file ledger, request de-duplication. */
export * from './open-store.js';
export * from './migrations.js';
export * from './subscription-store.js';
export * from './outbox.js';
export * from './file-ledger.js';
export * from './request-dedupe.js';
