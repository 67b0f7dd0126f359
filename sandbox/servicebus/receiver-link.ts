import { randomBytes } from 'node:crypto';
import type { Delivery, Sender } from 'rhea';
import { AmqpConditions, BrokerError } from './amqp-conditions.js';
import { acceptedOutcome, deliveryTagFor, rejectedOutcome } from './amqp-codec.js';
import type { BrokerConnection, LinkHandler } from './broker-connection.js';
import type { Consumer, MessageQueue, ReceiveMode } from './queue.js';
import { afterQueuedDispositions, answerDrainEvenWithoutCredit, availableCredit, echoSettleModes, forgetSettledDelivery } from './rhea-internals.js';
import { normalizePath } from './sas-verifier.js';
import type { StoredMessage } from './stored-message.js';

/** How the client settled a delivery. */
export type DispositionOutcome = 'accepted' | 'rejected' | 'modified' | 'released';

interface OutcomeState {
  undeliverable_here?: boolean;
  message_annotations?: Record<string, unknown>;
  error?: { condition?: string; description?: string; info?: Record<string, unknown> };
}

/**
 * A client's receiver attached to a queue, subscription or dead-letter queue (on our side an AMQP sender link).
 * Delivers within the client's credit, answers drains, and turns the client's dispositions into complete,
 * abandon, defer and dead-letter.
 */
export class ReceiverLink implements Consumer, LinkHandler {
  readonly requiredRight = 'Listen' as const;
  readonly address: string;
  readonly receiveMode: ReceiveMode;
  /** The session this link holds, for session receivers. */
  sessionId: string | undefined;
  private readonly lockTokens = new WeakMap<Delivery, string>();
  private closed = false;

  constructor(
    private readonly link: Sender,
    /** The queue, subscription or dead-letter queue it receives from. */
    readonly queue: MessageQueue,
    private readonly owner: BrokerConnection,
  ) {
    this.address = normalizePath(queue.path);
    // Receive-and-delete clients ask for presettled transfers (snd-settle-mode settled); peek-lock ones do not.
    this.receiveMode = link.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock';
    echoSettleModes(link);
    answerDrainEvenWithoutCredit(link);
  }

  /** Locks the named session, or the next one with messages; throws the refusal when it cannot. */
  acceptSession(requested: string | undefined): { sessionId: string; lockedUntilMs: number } {
    const session = this.queue.acceptSession(this, requested);
    this.sessionId = session.sessionId;
    return session;
  }

  /** Starts taking messages (once the attach is answered). */
  start(): void {
    this.queue.addConsumer(this);
  }

  credit(): number {
    return this.closed || !this.link.is_open() ? 0 : availableCredit(this.link);
  }

  deliver(message: StoredMessage): void {
    const lock = message.lock;
    // The tag is the lock token in .NET byte order; receive-and-delete clients ignore it, but it must be unique.
    const tag = lock ? deliveryTagFor(lock.tokenBytes) : randomBytes(16);
    const delivery = this.link.send(message.toAmqp(), tag);
    if (lock) this.lockTokens.set(delivery, lock.token);
  }

  /** The client granted credit. */
  onFlow(): void {
    this.queue.pump();
  }

  /** The client asked us to drain: send what is available, then give back the rest of the credit. */
  onDrain(): void {
    this.queue.pump();
    this.link.set_drained(true);
  }

  /** The client settled (or tried to settle) a delivery. */
  onDisposition(delivery: Delivery, outcome: DispositionOutcome): void {
    const lockToken = this.lockTokens.get(delivery);
    if (lockToken === undefined) return;
    this.lockTokens.delete(delivery);
    try {
      this.settle(lockToken, outcome, (delivery.remote_state ?? {}) as OutcomeState);
      finish(delivery, acceptedOutcome());
    } catch (error) {
      const brokerError = error instanceof BrokerError ? error : new BrokerError(AmqpConditions.internalError, String(error));
      // A settle that fails must carry the error in a `rejected` state; the client rejects its promise with it.
      afterQueuedDispositions(() => finish(delivery, rejectedOutcome(brokerError.toAmqpError())));
    }
  }

  sessionLockLost(description: string): void {
    this.revoke(new BrokerError(AmqpConditions.sessionLockLost, description));
  }

  revoke(error: BrokerError): void {
    if (this.closed) return;
    this.onClosed();
    this.link.close(error.toAmqpError());
  }

  onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.removeLink(this);
    this.queue.removeConsumer(this);
  }

  private settle(lockToken: string, outcome: DispositionOutcome, state: OutcomeState): void {
    switch (outcome) {
      case 'accepted':
        this.queue.complete(lockToken);
        return;
      case 'released':
        this.queue.abandon(lockToken);
        return;
      case 'modified':
        if (state.undeliverable_here) this.queue.defer(lockToken, state.message_annotations);
        else this.queue.abandon(lockToken, state.message_annotations);
        return;
      case 'rejected': {
        const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = state.error?.info ?? {};
        this.queue.deadLetter(lockToken, {
          reason: optionalString(DeadLetterReason) ?? (state.error?.condition === AmqpConditions.deadLetter ? undefined : state.error?.condition),
          description: optionalString(DeadLetterErrorDescription) ?? state.error?.description,
          properties,
        });
        return;
      }
    }
  }
}

function finish(delivery: Delivery, outcome: unknown): void {
  delivery.update(true, outcome);
  forgetSettledDelivery(delivery);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
