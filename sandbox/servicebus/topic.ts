import type { Message } from 'rhea';
import type { CorrelationFilter, SharedAccessRule, SubscriptionRule } from './entity-definitions.js';
import type { MessageQueue } from './queue.js';
import { StoredMessage } from './stored-message.js';

/** A topic subscription: its rules and the queue its messages land in (whose DLQ is the subscription's DLQ). */
export interface Subscription {
  readonly name: string;
  rules: SubscriptionRule[];
  readonly queue: MessageQueue;
  /** `<sub>/$Transfer/$DeadLetterQueue`; stays empty since the sandbox does not auto-forward. */
  readonly transferDeadLetterQueue: MessageQueue;
}

/** The rule Azure gives every new subscription. */
export const DEFAULT_RULE: SubscriptionRule = { name: '$Default', filter: true };

/** Something a client can send to: a queue or a topic. */
export interface SendTarget {
  readonly name: string;
  readonly maxMessageSizeInBytes: number;
  readonly accessRules: SharedAccessRule[];
  /** Enqueues messages (one transfer); returns their sequence numbers. */
  send(messages: Message[]): number[];
  /** Cancels scheduled messages by sequence number. */
  cancelScheduled(sequenceNumbers: number[]): void;
}

/** A topic: numbers each message once and gives every subscription whose rules match its own copy. */
export class Topic implements SendTarget {
  readonly subscriptions = new Map<string, Subscription>();
  private lastSequenceNumber = 0;

  constructor(
    readonly name: string,
    readonly maxMessageSizeInBytes: number,
    readonly defaultMessageTimeToLiveInMs: number | undefined,
    readonly accessRules: SharedAccessRule[],
    private readonly now: () => number,
  ) {}

  /** Adds a subscription (keyed case-insensitively). */
  addSubscription(subscription: Subscription): void {
    this.subscriptions.set(subscription.name.toLowerCase(), subscription);
  }

  send(messages: Message[]): number[] {
    return messages.map((message) => {
      const sequenceNumber = ++this.lastSequenceNumber;
      const template = StoredMessage.fromIncoming(message, {
        sequenceNumber,
        nowMs: this.now(),
        defaultTimeToLiveInMs: this.defaultMessageTimeToLiveInMs,
      });
      for (const subscription of this.subscriptions.values()) {
        if (subscription.rules.some((rule) => ruleMatches(rule, template))) {
          subscription.queue.add(template.copyForSubscription(subscription.queue.settings.defaultMessageTimeToLiveInMs));
        }
      }
      return sequenceNumber;
    });
  }

  cancelScheduled(sequenceNumbers: number[]): void {
    for (const subscription of this.subscriptions.values()) subscription.queue.cancelScheduled(sequenceNumbers);
  }
}

/** Whether a subscription rule selects a message. */
export function ruleMatches(rule: SubscriptionRule, message: StoredMessage): boolean {
  if (typeof rule.filter === 'boolean') return rule.filter;
  return correlationMatches(rule.filter.correlation, message);
}

function correlationMatches(filter: CorrelationFilter, message: StoredMessage): boolean {
  const p = message.properties;
  const checks: Array<[string | undefined, unknown]> = [
    [filter.correlationId, p.correlation_id],
    [filter.messageId, p.message_id],
    [filter.to, p.to],
    [filter.replyTo, p.reply_to],
    [filter.subject, p.subject],
    [filter.sessionId, p.group_id],
    [filter.replyToSessionId, p.reply_to_group_id],
    [filter.contentType, p.content_type],
  ];
  if (checks.some(([expected, actual]) => expected !== undefined && String(actual) !== expected)) return false;
  const properties = message.applicationProperties ?? {};
  return Object.entries(filter.applicationProperties ?? {}).every(([key, value]) => properties[key] === value);
}
