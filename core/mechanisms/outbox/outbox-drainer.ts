import type { Envelope } from '../../../contracts/envelope.js';
import { HybridError, isHybridError, toHybridError } from '../../sdk/index.js';
import type { Outbox, OutboxItem } from '../../store/index.js';
import { Backoff, sleep, type BackoffOptions } from '../../retry/backoff.js';
import type { ClaimCheckStore } from '../../transport/claim-check-store.js';

/** What the drainer needs of a transport: the ServiceBusChannel satisfies it. */
export interface MessageSender {
  send(entity: string, envelopes: readonly Envelope[], options?: { abortSignal?: AbortSignal }): Promise<void>;
  maxMessageSizeInBytes(entity: string): Promise<number>;
}

/** Options of {@link OutboxDrainer}. */
export interface OutboxDrainerOptions {
  tenantId: string;
  outbox: Outbox;
  sender: MessageSender;
  /** Where bodies too large for their entity go; without it such messages are parked with an error. */
  claimChecks?: ClaimCheckStore;
  /** Messages taken per pass. Default 500. */
  batchSize?: number;
  /** Idle poll interval, in case a wake-up was missed. Default 1 s. */
  idleIntervalInMs?: number;
  backoff?: BackoffOptions;
  /**
   * While messages keep coming, a pass that finds only a few rows (under a tenth of `batchSize`) waits
   * this long for more before sending, so a steady trickle of small publishes goes out in fewer, fuller
   * batches. The first message after a quiet spell is never delayed. Default 5 ms.
   */
  lingerInMs?: number;
  /** Background errors; the loop never throws. */
  onError: (error: HybridError) => void;
}

// Room left for the AMQP framing and properties that the JSON size estimate does not count.
const ENVELOPE_OVERHEAD_BYTES = 2048;

/**
 * Drains one tenant's outbox to Service Bus: oldest first, grouped by entity, sent in batches. A row
 * is deleted only after Service Bus accepted it; failures are deferred with backoff (which resets on
 * success). Because state is the outbox table, a restarted drainer simply resumes.
 */
export class OutboxDrainer {
  readonly #o: OutboxDrainerOptions;
  readonly #backoff: Backoff;
  readonly #maxSizes = new Map<string, number>();
  #running: Promise<void> | undefined;
  #stopping = false;
  #wakeUp: (() => void) | undefined;
  #cancelWait: (() => void) | undefined;
  #pendingWake = false;
  #sent = 0;

  constructor(options: OutboxDrainerOptions) {
    this.#o = options;
    this.#backoff = new Backoff({ initialDelayInMs: 250, maxDelayInMs: 30_000, ...options.backoff });
  }

  /** Messages delivered since start. */
  get sent(): number {
    return this.#sent;
  }

  /** Start the loop. */
  start(): void {
    this.#stopping = false;
    this.#running ??= this.#loop();
  }

  /** Ask for a pass now (new rows were committed). */
  wake(): void {
    this.#pendingWake = true;
    this.#wakeUp?.();
  }

  /** Stop after the current pass. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#cancelWait?.();
    await this.#running;
    this.#running = undefined;
  }

  /** Resolve once the outbox is empty (tests, graceful shutdown); rejects after the timeout. */
  async drained(timeoutInMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutInMs;
    while (this.#o.outbox.size(this.#o.tenantId) > 0) {
      if (Date.now() > until) throw new HybridError('timeout', `outbox of ${this.#o.tenantId} not drained within ${timeoutInMs} ms`);
      this.wake();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async #loop(): Promise<void> {
    const idle = this.#o.idleIntervalInMs ?? 1_000;
    let streaming = false;
    while (!this.#stopping) {
      this.#pendingWake = false;
      let delay: number;
      try {
        const batchSize = this.#o.batchSize ?? 500;
        const linger = this.#o.lingerInMs ?? 5;
        let items = this.#o.outbox.due(this.#o.tenantId, batchSize);
        // Only inside a stream (the previous pass sent something): the first message after a quiet
        // spell, such as a request's response, goes out at once.
        if (streaming && items.length > 0 && items.length < batchSize / 10 && linger > 0) {
          await sleep(linger);
          items = this.#o.outbox.due(this.#o.tenantId, batchSize);
        }
        streaming = items.length > 0;
        delay = items.length === 0 ? idle : ((await this.#deliver(items)) ?? 0);
      } catch (error) {
        this.#o.onError(toHybridError(error));
        delay = this.#backoff.failed();
      }
      if (this.#stopping) break;
      // More may be due right away; a wake-up only shortens an idle wait, never a failure backoff.
      if (delay === 0 || (this.#pendingWake && delay === idle)) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        const cancel = (): void => {
          clearTimeout(timer);
          resolve();
        };
        this.#cancelWait = cancel;
        this.#wakeUp = delay === idle ? cancel : undefined;
      });
      this.#wakeUp = undefined;
      this.#cancelWait = undefined;
    }
  }

  /** Send a pass of items; returns a backoff delay when something failed. */
  async #deliver(items: OutboxItem[]): Promise<number | undefined> {
    const byEntity = new Map<string, OutboxItem[]>();
    for (const item of items) byEntity.set(item.entity, [...(byEntity.get(item.entity) ?? []), item]);
    let failedDelay: number | undefined;
    for (const [entity, group] of byEntity) {
      try {
        const envelopes = await Promise.all(group.map((item) => this.#fit(entity, item.envelope)));
        await this.#o.sender.send(entity, envelopes);
        this.#o.outbox.remove(group.map((i) => i.id));
        this.#sent += group.length;
        this.#backoff.succeeded();
      } catch (error) {
        const failure = toHybridError(error, 'transport');
        const wait = this.#backoff.failed();
        // Not retryable (e.g. entity missing, unauthorized): keep the rows but slow right down so an
        // operator can fix the cause without the OHS hammering the service.
        const retryIn = failure.retryable ? wait : Math.max(wait, 60_000);
        this.#o.outbox.defer(group.map((i) => i.id), failure.message, Date.now() + retryIn);
        this.#o.onError(failure);
        failedDelay = Math.min(failedDelay ?? retryIn, retryIn);
      }
    }
    return failedDelay;
  }

  /** Replace a body that would exceed the entity's max size with a claim check. */
  async #fit(entity: string, envelope: Envelope): Promise<Envelope> {
    if (envelope.properties.claimCheck) return envelope;
    const body = Buffer.from(JSON.stringify(envelope.body));
    const max = await this.#maxSize(entity);
    if (body.length + ENVELOPE_OVERHEAD_BYTES <= max) return envelope;
    if (this.#o.claimChecks === undefined) {
      throw new HybridError('too-large', `message ${envelope.messageId} (${body.length} bytes) exceeds ${entity}'s ${max}-byte limit and no claim-check store is configured`, { retryable: false });
    }
    const reference = await this.#o.claimChecks.put(envelope.messageId, body);
    return { ...envelope, properties: { ...envelope.properties, claimCheck: true }, body: reference };
  }

  async #maxSize(entity: string): Promise<number> {
    let max = this.#maxSizes.get(entity);
    if (max === undefined) {
      try {
        max = await this.#o.sender.maxMessageSizeInBytes(entity);
      } catch (error) {
        if (isHybridError(error)) throw error;
        throw toHybridError(error, 'transport');
      }
      this.#maxSizes.set(entity, max);
    }
    return max;
  }
}
