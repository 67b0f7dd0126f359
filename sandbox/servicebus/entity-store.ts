import type { Message } from 'rhea';
import { AmqpConditions, BrokerError } from './amqp-conditions.js';
import { receivableSettingsOf } from './entity-definitions.js';
import type {
  NamespaceDefinition,
  QueueDefinition,
  ReceivableSettings,
  SharedAccessRule,
  SubscriptionDefinition,
  TopicDefinition,
} from './entity-definitions.js';
import { MessageQueue } from './queue.js';
import type { QueueStats } from './queue.js';
import { StoredMessage } from './stored-message.js';
import { DEFAULT_RULE, Topic } from './topic.js';
import type { SendTarget, Subscription } from './topic.js';

/** What an AMQP address names. */
export interface ResolvedEntity {
  /** Canonical address with names as declared, e.g. `events/Subscriptions/audit/$DeadLetterQueue`. */
  readonly path: string;
  /** The queue or topic the address belongs to (the scope of entity-level SAS rules). */
  readonly entityName: string;
  /** Set when the address is a queue or a topic. */
  readonly sendTarget: SendTarget | undefined;
  /** Set when messages can be received from the address. */
  readonly queue: MessageQueue | undefined;
}

/** Construction options of {@link EntityStore}. */
export interface EntityStoreOptions {
  /** Namespace SAS rules; entity rules come with the entities. */
  accessRules: SharedAccessRule[];
  /** Create unknown entities on first use instead of refusing with `amqp:not-found`. */
  autoCreateEntities: boolean;
  /** Default maximum message size for entities that set none. */
  maxMessageSizeInBytes: number;
  now: () => number;
}

const DLQ = '$DeadLetterQueue';
const TRANSFER_DLQ = '$Transfer/$DeadLetterQueue';

/** A queue with its dead-letter and transfer dead-letter sub-queues. */
class QueueEntity implements SendTarget {
  readonly queue: MessageQueue;
  readonly deadLetterQueue: MessageQueue;
  readonly transferDeadLetterQueue: MessageQueue;
  readonly maxMessageSizeInBytes: number;
  readonly accessRules: SharedAccessRule[];

  constructor(
    readonly name: string,
    definition: QueueDefinition,
    defaultMaxMessageSizeInBytes: number,
    private readonly now: () => number,
  ) {
    const settings = receivableSettingsOf(definition);
    this.deadLetterQueue = new MessageQueue(`${name}/${DLQ}`, deadLetterSettings(settings), undefined, now);
    this.transferDeadLetterQueue = new MessageQueue(`${name}/${TRANSFER_DLQ}`, deadLetterSettings(settings), undefined, now);
    this.queue = new MessageQueue(name, settings, this.deadLetterQueue, now);
    this.maxMessageSizeInBytes = definition.maxMessageSizeInBytes ?? defaultMaxMessageSizeInBytes;
    this.accessRules = definition.accessRules ?? [];
  }

  send(messages: Message[]): number[] {
    if (this.queue.settings.requiresSession && messages.some((m) => typeof m.group_id !== 'string')) {
      // Checked before enqueuing anything: a batch is all-or-nothing.
      throw new BrokerError(
        AmqpConditions.notAllowed,
        `The SessionId was not set on a message, and it cannot be sent to the entity '${this.name}'. Entities that have session support enabled can only receive messages that have the SessionId set to a valid value.`,
      );
    }
    return messages.map((message) => {
      const sequenceNumber = this.queue.nextSequenceNumber();
      this.queue.add(
        StoredMessage.fromIncoming(message, {
          sequenceNumber,
          nowMs: this.now(),
          defaultTimeToLiveInMs: this.queue.settings.defaultMessageTimeToLiveInMs,
        }),
      );
      return sequenceNumber;
    });
  }

  cancelScheduled(sequenceNumbers: number[]): void {
    this.queue.cancelScheduled(sequenceNumbers);
  }
}

// Dead-letter queues take no sessions, never expire messages and never dead-letter again.
function deadLetterSettings(settings: ReceivableSettings): ReceivableSettings {
  return {
    lockDurationInMs: settings.lockDurationInMs,
    maxDeliveryCount: Number.MAX_SAFE_INTEGER,
    requiresSession: false,
    defaultMessageTimeToLiveInMs: undefined,
    deadLetteringOnMessageExpiration: false,
  };
}

/** All queues, topics and subscriptions of the emulated namespace, addressed as the Service Bus client addresses them. */
export class EntityStore {
  private readonly queues = new Map<string, QueueEntity>();
  private readonly topics = new Map<string, Topic>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EntityStoreOptions) {}

  /** Declares every queue, topic and subscription of a namespace definition. */
  declare(namespace: NamespaceDefinition): void {
    for (const queue of namespace.queues ?? []) this.createQueue(queue);
    for (const topic of namespace.topics ?? []) this.createTopic(topic);
  }

  /** Creates a queue; its name must be free among queues and topics. */
  createQueue(definition: QueueDefinition): void {
    this.assertNameFree(definition.name);
    this.queues.set(definition.name.toLowerCase(), new QueueEntity(definition.name, definition, this.options.maxMessageSizeInBytes, this.options.now));
  }

  /** Creates a topic and the subscriptions it declares. */
  createTopic(definition: TopicDefinition): void {
    this.assertNameFree(definition.name);
    const topic = new Topic(
      definition.name,
      definition.maxMessageSizeInBytes ?? this.options.maxMessageSizeInBytes,
      definition.defaultMessageTimeToLiveInMs,
      definition.accessRules ?? [],
      this.options.now,
    );
    this.topics.set(definition.name.toLowerCase(), topic);
    for (const subscription of definition.subscriptions ?? []) this.createSubscription(definition.name, subscription);
  }

  /** Adds a subscription to an existing topic. */
  createSubscription(topicName: string, definition: SubscriptionDefinition): void {
    const topic = this.topics.get(topicName.toLowerCase());
    if (!topic) throw new Error(`topic '${topicName}' does not exist`);
    if (topic.subscriptions.has(definition.name.toLowerCase())) {
      throw new Error(`subscription '${definition.name}' already exists on topic '${topic.name}'`);
    }
    const path = `${topic.name}/Subscriptions/${definition.name}`;
    const settings = receivableSettingsOf(definition);
    const deadLetterQueue = new MessageQueue(`${path}/${DLQ}`, deadLetterSettings(settings), undefined, this.options.now);
    topic.addSubscription({
      name: definition.name,
      rules: definition.rules ?? [DEFAULT_RULE],
      queue: new MessageQueue(path, settings, deadLetterQueue, this.options.now),
      transferDeadLetterQueue: new MessageQueue(`${path}/${TRANSFER_DLQ}`, deadLetterSettings(settings), undefined, this.options.now),
    });
  }

  /**
   * Resolves an AMQP address (case-insensitively, as Azure does): `q`, `q/$DeadLetterQueue`,
   * `t/Subscriptions/s[/$DeadLetterQueue]`, each optionally with `/$Transfer/$DeadLetterQueue`.
   * Unknown entities are created when auto-creation is on; otherwise the result is `undefined`.
   */
  resolve(address: string): ResolvedEntity | undefined {
    const segments = address.split('/').filter((segment) => segment.length > 0);
    const [name, ...rest] = segments;
    if (name === undefined) return undefined;
    const tail = rest.map((segment) => segment.toLowerCase());
    if (tail[0] === 'subscriptions' && tail.length >= 2) {
      const topic = this.topicFor(name);
      const subscription = topic && this.subscriptionFor(topic, rest[1]!);
      if (!topic || !subscription) return undefined;
      const queue = subQueue(subscription.queue, subscription.transferDeadLetterQueue, tail.slice(2));
      return queue && { path: queue.path, entityName: topic.name, sendTarget: undefined, queue };
    }
    const topic = this.topics.get(name.toLowerCase());
    if (topic) return tail.length === 0 ? { path: topic.name, entityName: topic.name, sendTarget: topic, queue: undefined } : undefined;
    const entity = this.queueFor(name);
    if (!entity) return undefined;
    if (tail.length === 0) return { path: entity.name, entityName: entity.name, sendTarget: entity, queue: entity.queue };
    const queue = subQueue(entity.queue, entity.transferDeadLetterQueue, tail);
    return queue && { path: queue.path, entityName: entity.name, sendTarget: undefined, queue };
  }

  /** SAS rules named `keyName` that may sign tokens for `path`: namespace rules, plus the entity's own rules. */
  rulesFor(keyName: string, path: string): SharedAccessRule[] {
    const rules = this.options.accessRules.filter((rule) => rule.keyName === keyName);
    const entityName = path.split('/')[0];
    if (entityName) {
      const entity = this.queues.get(entityName) ?? this.topics.get(entityName);
      rules.push(...(entity?.accessRules ?? []).filter((rule) => rule.keyName === keyName));
    }
    return rules;
  }

  /** Every queue messages can be received from (queues, subscriptions and their sub-queues). */
  allQueues(): MessageQueue[] {
    const result: MessageQueue[] = [];
    for (const entity of this.queues.values()) result.push(entity.queue, entity.deadLetterQueue, entity.transferDeadLetterQueue);
    for (const topic of this.topics.values()) {
      for (const subscription of topic.subscriptions.values()) {
        result.push(subscription.queue, subscription.queue.deadLetterQueue!, subscription.transferDeadLetterQueue);
      }
    }
    return result;
  }

  /** Message counts of every queue. */
  stats(): QueueStats[] {
    return this.allQueues().map((queue) => queue.stats());
  }

  /** Starts the upkeep timer (lock and TTL expiry, scheduled messages). */
  startSweeping(intervalInMs: number): void {
    this.stopSweeping();
    this.sweepTimer = setInterval(() => this.sweep(), intervalInMs);
    this.sweepTimer.unref();
  }

  /** Stops the upkeep timer. */
  stopSweeping(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** Runs one round of upkeep on every queue. */
  sweep(): void {
    for (const queue of this.allQueues()) queue.sweep();
  }

  private queueFor(name: string): QueueEntity | undefined {
    const existing = this.queues.get(name.toLowerCase());
    if (existing || !this.options.autoCreateEntities) return existing;
    this.createQueue({ name });
    return this.queues.get(name.toLowerCase());
  }

  private topicFor(name: string): Topic | undefined {
    const existing = this.topics.get(name.toLowerCase());
    if (existing || !this.options.autoCreateEntities || this.queues.has(name.toLowerCase())) return existing;
    this.createTopic({ name });
    return this.topics.get(name.toLowerCase());
  }

  private subscriptionFor(topic: Topic, name: string): Subscription | undefined {
    const existing = topic.subscriptions.get(name.toLowerCase());
    if (existing || !this.options.autoCreateEntities) return existing;
    this.createSubscription(topic.name, { name });
    return topic.subscriptions.get(name.toLowerCase());
  }

  private assertNameFree(name: string): void {
    const key = name.toLowerCase();
    if (this.queues.has(key) || this.topics.has(key)) throw new Error(`an entity named '${name}' already exists`);
  }
}

function subQueue(main: MessageQueue, transferDeadLetter: MessageQueue, tail: string[]): MessageQueue | undefined {
  const suffix = tail.join('/');
  if (suffix === '') return main;
  if (suffix === DLQ.toLowerCase()) return main.deadLetterQueue;
  if (suffix === TRANSFER_DLQ.toLowerCase()) return transferDeadLetter;
  return undefined;
}
