import type { FeedRecord } from '../../contracts/records.js';
import type { AdapterContext } from './context.js';

/** Declaration of one feed an adapter offers. */
export interface FeedDeclaration {
  /** Feed name, kebab-case, unique within the adapter, e.g. "interrogation-readings". */
  name: string;
  description: string;
  /** Kinds of canonical record the feed carries. */
  recordKinds: ReadonlyArray<FeedRecord['kind']>;
}

/** Receipt of a publish: how many records were durably accepted, and under which local batch id. */
export interface PublishReceipt {
  batchId: string;
  accepted: number;
}

/** Context of a running data-feed adapter. */
export interface FeedContext extends AdapterContext {
  /**
   * Hand records to the core. Resolves only once they are durably stored on the OHS, so the adapter
   * may acknowledge the head-end afterwards and never before. Rejects (`invalid-input`) when a record
   * does not match the canonical schema, storing none of the batch.
   */
  publish(feed: string, records: readonly FeedRecord[]): Promise<PublishReceipt>;
}

/** A data-feed adapter: receives head-end pushes while running and publishes canonical records. */
export interface DataFeedAdapter {
  start(context: FeedContext): Promise<void>;
  stop(): Promise<void>;
}
