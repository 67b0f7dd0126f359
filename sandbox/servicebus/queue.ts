import { AmqpConditions, BrokerError } from './amqp-conditions.js';
import { newLockToken } from './amqp-codec.js';
import type { ReceivableSettings } from './entity-definitions.js';
import type { DeadLetterDetails, StoredMessage } from './stored-message.js';

/** How a receiver takes messages: locked until settled, or removed on delivery. */
export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

/** Something that takes messages from a queue: in practice a client's receiver link. */
export interface Consumer {
  readonly receiveMode: ReceiveMode;
  /** The session this consumer holds on a session entity; `undefined` otherwise. */
  readonly sessionId: string | undefined;
  /** How many more messages it can take now. */
  credit(): number;
  /** Hands over a message; in peek-lock mode `message.lock` is already set. */
  deliver(message: StoredMessage): void;
  /** The consumer's session lock expired or was taken away; it should detach. */
  sessionLockLost(description: string): void;
}

/** Message counts of one queue, for the admin interface and tests. */
export interface QueueStats {
  path: string;
  active: number;
  locked: number;
  deferred: number;
  scheduled: number;
  sessions: number;
}

// Messages of one session (or, on entities without sessions, of the whole queue) waiting to be delivered.
interface Lane {
  readonly id: string;
  /** Sequence numbers of active, unlocked messages, ascending. */
  readonly available: number[];
  /** Messages of this lane in any state. */
  count: number;
  holder: Consumer | undefined;
  lockedUntilMs: number;
  state: Buffer | undefined;
}

const DEFAULT_LANE = '';

/**
 * A queue, a subscription or a dead-letter queue: Service Bus delivery semantics over an in-memory store.
 * Sequence numbers only grow, so the message map's insertion order is sequence order.
 */
export class MessageQueue {
  private readonly messages = new Map<number, StoredMessage>();
  private readonly locks = new Map<string, StoredMessage>();
  private readonly lanes = new Map<string, Lane>();
  private consumers: Consumer[] = [];
  private lastSequenceNumber = 0;
  // Messages that a sweep must look at (scheduled or with a TTL); skips the scan when zero.
  private timedMessages = 0;
  private pumping = false;
  private pumpRequested = false;
  private sessionWaiters: Array<() => void> = [];

  constructor(
    /** Canonical address, e.g. `orders` or `events/Subscriptions/audit/$DeadLetterQueue`. */
    readonly path: string,
    readonly settings: ReceivableSettings,
    /** Where dead-lettered messages go; absent for dead-letter queues themselves. */
    readonly deadLetterQueue: MessageQueue | undefined,
    private readonly now: () => number,
  ) {
    if (!settings.requiresSession) this.lanes.set(DEFAULT_LANE, newLane(DEFAULT_LANE));
  }

  /** Reserves the next sequence number (queues number their own messages; topics number for their subscriptions). */
  nextSequenceNumber(): number {
    return ++this.lastSequenceNumber;
  }

  /** Stores a message and delivers it if it is active and someone is waiting. */
  add(message: StoredMessage): void {
    this.lastSequenceNumber = Math.max(this.lastSequenceNumber, message.sequenceNumber);
    this.messages.set(message.sequenceNumber, message);
    this.laneFor(message).count++;
    if (message.state === 'scheduled' || message.expiresAtMs !== undefined) this.timedMessages++;
    if (message.state === 'active') {
      this.makeAvailable(message);
      this.pump();
    }
  }

  /** Registers a receiver; it gets messages whenever it has credit. */
  addConsumer(consumer: Consumer): void {
    if (!this.consumers.includes(consumer)) this.consumers.push(consumer);
    this.pump();
  }

  /** Unregisters a receiver and gives up any session it held. */
  removeConsumer(consumer: Consumer): void {
    this.consumers = this.consumers.filter((c) => c !== consumer);
    for (const lane of [...this.lanes.values()]) {
      if (lane.holder === consumer) this.releaseLane(lane);
    }
    this.pump();
  }

  /** Delivers available messages to consumers with credit, one each in turn so competing receivers share. */
  pump(): void {
    if (this.pumping) {
      this.pumpRequested = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpRequested = false;
        let delivered = true;
        while (delivered) {
          delivered = false;
          for (const consumer of [...this.consumers]) {
            if (consumer.credit() <= 0) continue;
            const lane = this.laneOf(consumer);
            const message = lane && this.takeNext(lane);
            if (!message) continue;
            this.deliverTo(consumer, message);
            this.consumers = [...this.consumers.filter((c) => c !== consumer), consumer];
            delivered = true;
          }
        }
        while (this.sessionWaiters.length > 0 && this.oldestUnlockedLane()) this.sessionWaiters.shift()!();
      } while (this.pumpRequested);
    } finally {
      this.pumping = false;
    }
  }

  /** Settles a locked message as processed: it is deleted. */
  complete(lockToken: string): void {
    const message = this.lockedMessage(lockToken);
    this.unlock(message);
    this.remove(message);
  }

  /** Gives a locked message back: it is redelivered (or dead-lettered once it used up its deliveries). */
  abandon(lockToken: string, properties?: Record<string, unknown>): void {
    const message = this.lockedMessage(lockToken);
    this.unlock(message);
    message.mergeApplicationProperties(properties);
    message.deliveryCount++;
    this.redeliverOrDeadLetter(message);
    this.pump();
  }

  /** Sets a locked message aside; only `receive-by-sequence-number` can get it again. */
  defer(lockToken: string, properties?: Record<string, unknown>): void {
    const message = this.lockedMessage(lockToken);
    this.unlock(message);
    message.mergeApplicationProperties(properties);
    message.deliveryCount++;
    message.state = 'deferred';
  }

  /** Moves a locked message to the dead-letter queue. */
  deadLetter(lockToken: string, details: DeadLetterDetails): void {
    const message = this.lockedMessage(lockToken);
    if (!this.deadLetterQueue) {
      throw new BrokerError(AmqpConditions.notAllowed, `Messages in '${this.path}' cannot be dead-lettered again.`);
    }
    this.unlock(message);
    this.moveToDeadLetter(message, details);
  }

  /** Extends a message lock by the lock duration; returns the new expiry. */
  renewLock(lockToken: string): number {
    const message = this.lockedMessage(lockToken);
    const lock = message.lock!;
    if (lock.sessionBound) {
      throw new BrokerError(AmqpConditions.notAllowed, 'Messages received from a session are locked through the session; renew the session lock instead.');
    }
    lock.lockedUntilMs = this.now() + this.settings.lockDurationInMs;
    return lock.lockedUntilMs;
  }

  /** Messages from `fromSequenceNumber` on, in order, without locking them (active, locked, deferred and scheduled). */
  peek(fromSequenceNumber: number, maxCount: number, sessionId?: string): StoredMessage[] {
    const now = this.now();
    const result: StoredMessage[] = [];
    for (const [sequenceNumber, message] of this.messages) {
      if (result.length >= maxCount) break;
      if (sequenceNumber < fromSequenceNumber || message.isExpired(now)) continue;
      if (sessionId !== undefined && message.sessionId !== sessionId) continue;
      result.push(message);
    }
    return result;
  }

  /** Takes deferred messages by sequence number: locked in peek-lock mode, removed in receive-and-delete mode. */
  receiveDeferred(sequenceNumbers: number[], mode: ReceiveMode, sessionId?: string): StoredMessage[] {
    const now = this.now();
    const found = sequenceNumbers.map((sequenceNumber) => {
      const message = this.messages.get(sequenceNumber);
      if (!message || message.state !== 'deferred' || (sessionId !== undefined && message.sessionId !== sessionId)) {
        throw new BrokerError(AmqpConditions.messageNotFound, `Failed to lock one or more specified messages. The message with sequence number ${sequenceNumber} was not found or is not deferred.`);
      }
      if (message.lock && message.lock.lockedUntilMs > now) {
        throw new BrokerError(AmqpConditions.messageNotFound, `The deferred message with sequence number ${sequenceNumber} is already locked.`);
      }
      return message;
    });
    for (const message of found) {
      if (mode === 'receiveAndDelete') {
        this.remove(message);
      } else {
        if (message.lock) this.unlock(message);
        this.lock(message, now + this.settings.lockDurationInMs, false);
      }
    }
    return found;
  }

  /** Drops scheduled messages that have not been enqueued yet; unknown numbers are ignored. */
  cancelScheduled(sequenceNumbers: number[]): void {
    for (const sequenceNumber of sequenceNumbers) {
      const message = this.messages.get(sequenceNumber);
      if (message?.state === 'scheduled') this.remove(message);
    }
  }

  /**
   * Locks a session for `consumer`: the named one, or (with `undefined`) the one with the oldest waiting message.
   * The consumer still has to be added with {@link addConsumer} to get its messages.
   */
  acceptSession(consumer: Consumer, sessionId: string | undefined): { sessionId: string; lockedUntilMs: number } {
    if (!this.settings.requiresSession) {
      throw new BrokerError(AmqpConditions.notAllowed, `The entity '${this.path}' does not require sessions; it cannot be received from through a session receiver.`);
    }
    this.expireSessionLocks();
    let lane: Lane | undefined;
    if (sessionId !== undefined) {
      lane = this.lanes.get(sessionId) ?? this.createLane(sessionId);
      if (lane.holder && lane.holder !== consumer) {
        throw new BrokerError(AmqpConditions.sessionCannotBeLocked, `The requested session '${sessionId}' cannot be accepted. It may be locked by another receiver.`);
      }
    } else {
      lane = this.oldestUnlockedLane();
      if (!lane) throw new BrokerError(AmqpConditions.timeout, 'No unlocked sessions with messages are available.');
    }
    lane.holder = consumer;
    lane.lockedUntilMs = this.now() + this.settings.lockDurationInMs;
    return { sessionId: lane.id, lockedUntilMs: lane.lockedUntilMs };
  }

  /** Whether {@link acceptSession} with no session id would find a session right now. */
  hasAvailableSession(): boolean {
    this.expireSessionLocks();
    return this.oldestUnlockedLane() !== undefined;
  }

  /**
   * Calls `ready` (once) as soon as an unlocked session has messages, so an accept-next-session request can wait
   * like it does on Azure. `ready` is expected to accept a session. Returns a function that cancels the wait.
   */
  whenSessionAvailable(ready: () => void): () => void {
    this.sessionWaiters.push(ready);
    return () => {
      this.sessionWaiters = this.sessionWaiters.filter((waiter) => waiter !== ready);
    };
  }

  /** Extends a session lock; returns the new expiry. */
  renewSessionLock(sessionId: string): number {
    const lane = this.heldLane(sessionId);
    lane.lockedUntilMs = this.now() + this.settings.lockDurationInMs;
    for (const message of this.locks.values()) {
      if (message.lock?.sessionBound && message.sessionId === sessionId) message.lock.lockedUntilMs = lane.lockedUntilMs;
    }
    return lane.lockedUntilMs;
  }

  /** The state a session receiver stored with `setSessionState`. */
  getSessionState(sessionId: string): Buffer | undefined {
    return this.heldLane(sessionId).state;
  }

  /** Stores opaque session state (cleared with `undefined`). */
  setSessionState(sessionId: string, state: Buffer | undefined): void {
    this.heldLane(sessionId).state = state;
  }

  /** Ids of sessions that have messages or state. */
  sessionIds(): string[] {
    return [...this.lanes.values()].filter((lane) => lane.count > 0 || lane.state !== undefined).map((lane) => lane.id);
  }

  /** Periodic upkeep: lock expiry, session lock expiry, scheduled messages coming due, TTL expiry. */
  sweep(): void {
    const now = this.now();
    let changed = false;
    for (const message of [...this.locks.values()]) {
      if (message.lock && !message.lock.sessionBound && message.lock.lockedUntilMs <= now) {
        this.lockExpired(message);
        changed = true;
      }
    }
    changed = this.expireSessionLocks() || changed;
    if (this.timedMessages > 0) {
      for (const message of [...this.messages.values()]) {
        if (message.state === 'scheduled' && message.scheduledAtMs !== undefined && message.scheduledAtMs <= now) {
          message.activate(now);
          if (message.expiresAtMs === undefined) this.timedMessages--;
          this.makeAvailable(message);
          changed = true;
        } else if (message.state === 'active' && !message.lock && message.isExpired(now)) {
          this.expire(message);
          changed = true;
        }
      }
    }
    if (changed) this.pump();
  }

  /** Fault injection: every lock (message and session) expires now. Returns how many locks were broken. */
  expireAllLocks(): number {
    let count = 0;
    for (const message of [...this.locks.values()]) {
      if (message.lock && !message.lock.sessionBound) {
        this.lockExpired(message);
        count++;
      }
    }
    for (const lane of [...this.lanes.values()]) {
      if (lane.holder) {
        this.loseSession(lane, 'The session lock has expired (fault injected).');
        count++;
      }
    }
    this.pump();
    return count;
  }

  /** Counts for the admin interface. */
  stats(): QueueStats {
    const stats: QueueStats = { path: this.path, active: 0, locked: 0, deferred: 0, scheduled: 0, sessions: 0 };
    for (const message of this.messages.values()) {
      if (message.state === 'deferred') stats.deferred++;
      else if (message.state === 'scheduled') stats.scheduled++;
      else if (message.lock) stats.locked++;
      else stats.active++;
    }
    stats.sessions = this.settings.requiresSession ? this.sessionIds().length : 0;
    return stats;
  }

  /** Total messages held (any state). */
  get size(): number {
    return this.messages.size;
  }

  private deliverTo(consumer: Consumer, message: StoredMessage): void {
    if (consumer.receiveMode === 'receiveAndDelete') {
      this.remove(message);
    } else if (this.settings.requiresSession) {
      this.lock(message, this.lanes.get(consumer.sessionId ?? DEFAULT_LANE)!.lockedUntilMs, true);
    } else {
      this.lock(message, this.now() + this.settings.lockDurationInMs, false);
    }
    consumer.deliver(message);
  }

  private lock(message: StoredMessage, lockedUntilMs: number, sessionBound: boolean): void {
    const { token, bytes } = newLockToken();
    message.lock = { token, tokenBytes: bytes, lockedUntilMs, sessionBound };
    this.locks.set(token, message);
  }

  private unlock(message: StoredMessage): void {
    if (message.lock) this.locks.delete(message.lock.token);
    message.lock = undefined;
  }

  // The message behind a lock token, or the error Azure gives for a lock that is gone.
  private lockedMessage(lockToken: string): StoredMessage {
    const message = this.locks.get(lockToken);
    const lock = message?.lock;
    if (!message || !lock || lock.token !== lockToken) throw lockLost(lockToken, this.settings.requiresSession);
    if (lock.sessionBound) {
      const lane = this.lanes.get(message.sessionId ?? DEFAULT_LANE);
      if (!lane?.holder || lane.lockedUntilMs <= this.now()) throw lockLost(lockToken, true);
    } else if (lock.lockedUntilMs <= this.now()) {
      this.lockExpired(message);
      this.pump();
      throw lockLost(lockToken, false);
    }
    return message;
  }

  private lockExpired(message: StoredMessage): void {
    this.unlock(message);
    message.deliveryCount++;
    this.redeliverOrDeadLetter(message);
  }

  // After an abandon or a lost lock: deferred messages stay deferred; others come back unless out of deliveries.
  private redeliverOrDeadLetter(message: StoredMessage): void {
    if (message.state === 'deferred') return;
    if (this.deadLetterQueue && message.deliveryCount >= this.settings.maxDeliveryCount) {
      this.moveToDeadLetter(message, {
        reason: 'MaxDeliveryCountExceeded',
        description: `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      });
      return;
    }
    this.makeAvailable(message);
  }

  private moveToDeadLetter(message: StoredMessage, details: DeadLetterDetails): void {
    this.remove(message);
    const deadLetterQueue = this.deadLetterQueue!;
    deadLetterQueue.add(message.deadLetterCopy(deadLetterQueue.nextSequenceNumber(), details));
  }

  private expire(message: StoredMessage): void {
    if (this.settings.deadLetteringOnMessageExpiration && this.deadLetterQueue) {
      this.moveToDeadLetter(message, { reason: 'TTLExpiredException', description: 'The message expired and was dead lettered.' });
    } else {
      this.remove(message);
    }
  }

  private remove(message: StoredMessage): void {
    if (!this.messages.delete(message.sequenceNumber)) return;
    if (message.state === 'scheduled' || message.expiresAtMs !== undefined) this.timedMessages--;
    this.unlock(message);
    const lane = this.lanes.get(this.laneIdOf(message));
    if (lane) {
      lane.count--;
      removeSorted(lane.available, message.sequenceNumber);
      this.dropLaneIfIdle(lane);
    }
  }

  private makeAvailable(message: StoredMessage): void {
    insertSorted(this.laneFor(message).available, message.sequenceNumber);
  }

  private laneFor(message: StoredMessage): Lane {
    const id = this.laneIdOf(message);
    return this.lanes.get(id) ?? this.createLane(id);
  }

  private takeNext(lane: Lane): StoredMessage | undefined {
    const now = this.now();
    while (lane.available.length > 0) {
      const message = this.messages.get(lane.available.shift()!);
      if (!message || message.state !== 'active' || message.lock) continue;
      if (message.isExpired(now)) {
        this.expire(message);
        continue;
      }
      return message;
    }
    return undefined;
  }

  private laneOf(consumer: Consumer): Lane | undefined {
    if (!this.settings.requiresSession) return this.lanes.get(DEFAULT_LANE);
    if (consumer.sessionId === undefined) return undefined;
    const lane = this.lanes.get(consumer.sessionId);
    return lane?.holder === consumer ? lane : undefined;
  }

  private laneIdOf(message: StoredMessage): string {
    return this.settings.requiresSession ? (message.sessionId ?? DEFAULT_LANE) : DEFAULT_LANE;
  }

  private createLane(id: string): Lane {
    const lane = newLane(id);
    this.lanes.set(id, lane);
    return lane;
  }

  private heldLane(sessionId: string): Lane {
    const lane = this.lanes.get(sessionId);
    if (!lane?.holder || lane.lockedUntilMs <= this.now()) {
      throw new BrokerError(AmqpConditions.sessionLockLost, `The session lock for session '${sessionId}' has expired or is not held.`);
    }
    return lane;
  }

  private oldestUnlockedLane(): Lane | undefined {
    let best: Lane | undefined;
    for (const lane of this.lanes.values()) {
      if (lane.holder || lane.available.length === 0) continue;
      if (!best || lane.available[0]! < best.available[0]!) best = lane;
    }
    return best;
  }

  private expireSessionLocks(): boolean {
    const now = this.now();
    let changed = false;
    for (const lane of [...this.lanes.values()]) {
      if (lane.holder && lane.lockedUntilMs <= now) {
        this.loseSession(lane, `The session lock for session '${lane.id}' has expired.`);
        changed = true;
      }
    }
    return changed;
  }

  private loseSession(lane: Lane, description: string): void {
    const holder = lane.holder;
    this.releaseLane(lane);
    holder?.sessionLockLost(description);
  }

  // Session messages delivered but not settled come back, counted as a failed delivery.
  private releaseLane(lane: Lane): void {
    lane.holder = undefined;
    for (const message of [...this.locks.values()]) {
      if (message.lock?.sessionBound && this.laneIdOf(message) === lane.id) this.lockExpired(message);
    }
    this.dropLaneIfIdle(lane);
  }

  private dropLaneIfIdle(lane: Lane): void {
    if (!this.settings.requiresSession || lane.holder || lane.state !== undefined || lane.count > 0) return;
    this.lanes.delete(lane.id);
  }
}

function newLane(id: string): Lane {
  return { id, available: [], count: 0, holder: undefined, lockedUntilMs: 0, state: undefined };
}

function lockLost(lockToken: string, session: boolean): BrokerError {
  return session
    ? new BrokerError(AmqpConditions.sessionLockLost, 'The session lock has expired on the MessageSession. Accept a new MessageSession.')
    : new BrokerError(AmqpConditions.messageLockLost, `The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue. Reference: ${lockToken}.`);
}

function insertSorted(values: number[], value: number): void {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid]! < value) low = mid + 1;
    else high = mid;
  }
  if (values[low] !== value) values.splice(low, 0, value);
}

function removeSorted(values: number[], value: number): void {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid]! < value) low = mid + 1;
    else high = mid;
  }
  if (values[low] === value) values.splice(low, 1);
}
