/** Contracts shared by both deployables: tenant ids, entity names, the message envelope and canonical records. */
export * from './tenant-id.js';
export * from './entities.js';
export * from './records.js';
export * from './envelope.js';
export * from './auth.js';
export * from './download-status.js';
