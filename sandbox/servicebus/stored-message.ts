import { randomBytes } from 'node:crypto';
import type { Message } from 'rhea';
import { encodeMessage, wrapInt, wrapLong, wrapUuid } from './amqp-codec.js';

/** Where a message is in its life: receivable, set aside by `defer`, or waiting for its scheduled time. */
export type MessageState = 'active' | 'deferred' | 'scheduled';

const STATE_CODE: Record<MessageState, number> = { active: 0, deferred: 1, scheduled: 2 };

// The broker owns these annotations; whatever a sender put there is replaced on delivery.
const BROKER_ANNOTATIONS = new Set([
  'x-opt-sequence-number',
  'x-opt-enqueued-time',
  'x-opt-locked-until',
  'x-opt-message-state',
  'x-opt-lock-token',
  'x-opt-enqueue-sequence-number',
  'x-opt-deadletter-source',
]);

const SCHEDULED_ENQUEUE_TIME = 'x-opt-scheduled-enqueue-time';
const MAX_UINT = 0xffff_ffff;

/** A peek-lock held on a message. */
export interface MessageLock {
  /** Canonical uuid string; the client's `lockToken`. */
  token: string;
  /** The same uuid as 16 bytes in RFC order. */
  tokenBytes: Buffer;
  lockedUntilMs: number;
  /** The lock lasts as long as its session's lock rather than on its own. */
  sessionBound: boolean;
}

/** What a message's first enqueue needs to know. */
export interface EnqueueContext {
  sequenceNumber: number;
  nowMs: number;
  /** The entity's default TTL; caps the message's own TTL, as in Azure. */
  defaultTimeToLiveInMs: number | undefined;
}

/** Why a message went to the dead-letter queue. */
export interface DeadLetterDetails {
  reason: string | undefined;
  description: string | undefined;
  /** Extra application properties the dead-lettering client supplied. */
  properties?: Record<string, unknown>;
}

/** A message held by a queue or subscription, with the broker-side state Service Bus keeps for it. */
export class StoredMessage {
  deliveryCount = 0;
  lock: MessageLock | undefined;
  /** Set when the message became active; TTL counts from here. */
  expiresAtMs: number | undefined;

  private constructor(
    readonly sequenceNumber: number,
    public enqueuedAtMs: number,
    public state: MessageState,
    readonly scheduledAtMs: number | undefined,
    readonly timeToLiveInMs: number | undefined,
    /** The bare message as sent; header and annotations are rebuilt for each delivery. */
    private readonly amqp: Message,
    private readonly annotations: Record<string, unknown>,
    public applicationProperties: Record<string, unknown> | undefined,
    readonly sizeInBytes: number,
    /** Dead-lettered copies never expire. */
    private readonly expires: boolean,
  ) {}

  /** Takes in a message a client sent, assigning a message id if it has none (the 7.9.5 client needs one). */
  static fromIncoming(message: Message, context: EnqueueContext): StoredMessage {
    const amqp = { ...message } as Message;
    delete amqp.delivery_annotations;
    if (amqp.message_id === undefined || amqp.message_id === null) {
      // Azure assigns an id when the sender sets none; 32 hex digits is the classic client's format.
      amqp.message_id = randomBytes(16).toString('hex');
    }
    const annotations: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(message.message_annotations ?? {})) {
      if (!BROKER_ANNOTATIONS.has(key)) annotations[key] = value;
    }
    const scheduledAt = toEpochMs(annotations[SCHEDULED_ENQUEUE_TIME]);
    const state: MessageState = scheduledAt !== undefined && scheduledAt > context.nowMs ? 'scheduled' : 'active';
    const ownTtl = typeof message.ttl === 'number' ? message.ttl : undefined;
    const ttl = minDefined(ownTtl, context.defaultTimeToLiveInMs);
    const stored = new StoredMessage(
      context.sequenceNumber,
      context.nowMs,
      state,
      state === 'scheduled' ? scheduledAt : undefined,
      ttl,
      withTimeToLive(amqp, ttl),
      annotations,
      message.application_properties ? { ...message.application_properties } : undefined,
      encodeMessage(amqp).length,
      true,
    );
    if (state === 'active') stored.startClock(context.nowMs);
    return stored;
  }

  /** The message id as the client sees it (string form). */
  get messageId(): string {
    return String(this.amqp.message_id);
  }

  /** The session (AMQP `group-id`) the message belongs to. */
  get sessionId(): string | undefined {
    return typeof this.amqp.group_id === 'string' ? this.amqp.group_id : undefined;
  }

  /** Read-only view of the AMQP properties, for subscription filters. */
  get properties(): Readonly<Message> {
    return this.amqp;
  }

  /** Moves a scheduled message into the active state when its time has come. */
  activate(nowMs: number): void {
    this.state = 'active';
    this.enqueuedAtMs = nowMs;
    this.startClock(nowMs);
  }

  /** True once the message's time to live has passed. */
  isExpired(nowMs: number): boolean {
    return this.expiresAtMs !== undefined && this.expiresAtMs <= nowMs;
  }

  /** Merges properties a client passed to abandon/defer/dead-letter into the application properties. */
  mergeApplicationProperties(properties: Record<string, unknown> | undefined): void {
    if (!properties || Object.keys(properties).length === 0) return;
    this.applicationProperties = { ...(this.applicationProperties ?? {}), ...properties };
  }

  /**
   * An independent copy for one subscription of a topic. It keeps the topic's sequence number (Azure numbers
   * messages once, at the topic) and its TTL is capped by the subscription's default.
   */
  copyForSubscription(defaultTimeToLiveInMs: number | undefined): StoredMessage {
    const ttl = minDefined(this.timeToLiveInMs, defaultTimeToLiveInMs);
    const copy = new StoredMessage(
      this.sequenceNumber,
      this.enqueuedAtMs,
      this.state,
      this.scheduledAtMs,
      ttl,
      withTimeToLive(this.amqp, ttl),
      this.annotations,
      this.applicationProperties ? { ...this.applicationProperties } : undefined,
      this.sizeInBytes,
      this.expires,
    );
    if (copy.state === 'active') copy.startClock(copy.enqueuedAtMs);
    return copy;
  }

  /** The copy that goes to a dead-letter queue: same body and delivery count, reason in the properties, no expiry. */
  deadLetterCopy(sequenceNumber: number, details: DeadLetterDetails): StoredMessage {
    const properties: Record<string, unknown> = { ...(this.applicationProperties ?? {}), ...(details.properties ?? {}) };
    if (details.reason !== undefined) properties.DeadLetterReason = details.reason;
    if (details.description !== undefined) properties.DeadLetterErrorDescription = details.description;
    const copy = new StoredMessage(
      sequenceNumber,
      this.enqueuedAtMs,
      'active',
      undefined,
      this.timeToLiveInMs,
      this.amqp,
      this.annotations,
      properties,
      this.sizeInBytes,
      false,
    );
    copy.deliveryCount = this.deliveryCount;
    return copy;
  }

  /** The message as it goes to a client: broker annotations, current delivery count and lock. */
  toAmqp(): Message {
    const annotations: Record<string, unknown> = {
      ...this.annotations,
      'x-opt-sequence-number': wrapLong(this.sequenceNumber),
      'x-opt-enqueued-time': new Date(this.enqueuedAtMs),
      'x-opt-message-state': wrapInt(STATE_CODE[this.state]),
    };
    if (this.lock) {
      annotations['x-opt-locked-until'] = new Date(this.lock.lockedUntilMs);
      annotations['x-opt-lock-token'] = wrapUuid(this.lock.tokenBytes);
    }
    const message: Message = { ...this.amqp, message_annotations: annotations, delivery_count: this.deliveryCount };
    if (this.applicationProperties) message.application_properties = { ...this.applicationProperties };
    return message;
  }

  /** The full encoded message, as management replies (peek, receive-by-sequence-number) carry it. */
  encode(): Buffer {
    return encodeMessage(this.toAmqp());
  }

  private startClock(nowMs: number): void {
    this.expiresAtMs = this.expires && this.timeToLiveInMs !== undefined ? nowMs + this.timeToLiveInMs : undefined;
  }
}

// The client computes a received message's TTL from absolute-expiry-time minus creation-time when both are set,
// so an entity's TTL cap must move absolute-expiry-time as well as the header TTL.
function withTimeToLive(amqp: Message, ttl: number | undefined): Message {
  if (ttl === undefined || ttl === amqp.ttl) return amqp;
  const created = amqp.creation_time;
  const adjusted: Message = { ...amqp, ttl: Math.min(ttl, MAX_UINT) };
  if (created instanceof Date && amqp.absolute_expiry_time instanceof Date) {
    adjusted.absolute_expiry_time = new Date(created.getTime() + ttl);
  }
  return adjusted;
}

function toEpochMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return undefined;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
