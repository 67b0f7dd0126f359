import type { Envelope, FeedRecordsBody, FileNotificationBody, MessageKind } from '../../../contracts/envelope.js';
import { bodySchemaByKind } from '../../../contracts/envelope.js';
import type { Reading } from '../../../contracts/records.js';
import type { CloudServiceClient } from '../../../sandbox/cloud-service-client.js';
import { waitFor } from './wait-for.js';

/**
 * Everything that arrives on the subscriber's delivery queue, kept in arrival order (duplicates
 * included: at-least-once delivery is part of what the tests look at). Each body is checked against
 * the contract schema of its kind on arrival; a body that does not match is recorded as a violation.
 */
export class DeliveryCollector {
  readonly envelopes: Envelope[] = [];
  readonly violations: string[] = [];
  #receiver: { close(): Promise<void> } | undefined;

  private constructor() {}

  /** Start receiving from the service's delivery queue. */
  static async start(service: CloudServiceClient): Promise<DeliveryCollector> {
    const collector = new DeliveryCollector();
    collector.#receiver = await service.deliveries((envelope) => {
      const parsed = bodySchemaByKind[envelope.properties.kind].safeParse(envelope.body);
      if (!parsed.success) collector.violations.push(`${envelope.properties.kind} ${envelope.messageId}: ${parsed.error.message}`);
      collector.envelopes.push(envelope);
    });
    return collector;
  }

  /** Envelopes of one kind, in arrival order. */
  ofKind<T = unknown>(kind: MessageKind): Array<Envelope<T>> {
    return this.envelopes.filter((e) => e.properties.kind === kind) as Array<Envelope<T>>;
  }

  /** feed.records envelopes of one feed. */
  feedRecords(feed: string): Array<Envelope<FeedRecordsBody>> {
    return this.ofKind<FeedRecordsBody>('feed.records').filter((e) => e.body.feed === feed);
  }

  /** Readings of one feed, every delivery included (duplicates of a redelivered message too). */
  readings(feed: string, filter: (reading: Reading) => boolean = () => true): Reading[] {
    return this.feedRecords(feed).flatMap((e) => e.body.records.filter((r): r is Reading => r.kind === 'reading' && filter(r)));
  }

  /** File notifications of one kind for one file name. */
  fileNotifications(kind: 'file.detected' | 'file.uploaded', fileName: string): Array<Envelope<FileNotificationBody>> {
    return this.ofKind<FileNotificationBody>(kind).filter((e) => e.body.fileName === fileName);
  }

  /** Wait until `probe` finds something in what arrived. */
  async waitFor<T>(what: string, probe: (collector: DeliveryCollector) => T | undefined | false, timeoutInMs = 20_000): Promise<T> {
    return waitFor(() => probe(this), {
      what,
      timeoutInMs,
      explain: () => `received so far: ${this.envelopes.length} envelope(s): ${summarize(this.envelopes)}`,
    });
  }

  /** Stop receiving. */
  async close(): Promise<void> {
    await this.#receiver?.close();
    this.#receiver = undefined;
  }
}

function summarize(envelopes: readonly Envelope[]): string {
  const counts = new Map<string, number>();
  for (const e of envelopes) counts.set(e.properties.kind, (counts.get(e.properties.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind}×${n}`).join(', ') || 'nothing';
}
