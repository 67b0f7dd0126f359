import { AzureNamedKeyCredential, type TokenCredential } from '@azure/core-auth';
import {
  ServiceBusClient,
  type ProcessErrorArgs,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusSender,
} from '@azure/service-bus';
import WebSocket from 'ws';
import type { Envelope } from '../../contracts/envelope.js';
import { HybridError, isHybridError } from '../sdk/index.js';
import { Backoff, sleep } from '../retry/backoff.js';
import { channelOptionsFromConnectionString, type ServiceBusChannelOptions } from './channel-options.js';
import { detectConnectivity, type ConnectivityMode, type ProbeResult } from './connectivity-probe.js';
import { fromServiceBusMessage, toServiceBusMessage } from './envelope-codec.js';
import { translateServiceBusError } from './translate-error.js';

/** What a message handler learns besides the envelope. */
export interface DeliveryInfo {
  entity: string;
  deliveryCount: number;
  enqueuedAt: Date | undefined;
  sequenceNumber: bigint | undefined;
}

/** Handles one envelope; resolve to complete it, throw to abandon (retryable) or dead-letter (not retryable). */
export type EnvelopeHandler = (envelope: Envelope, info: DeliveryInfo) => Promise<void>;

/** Options of {@link ServiceBusChannel.subscribe}. */
export interface SubscribeOptions {
  /** Background errors (connection loss, settlement failures, invalid messages); never thrown from the loop. */
  processError: (error: HybridError) => void;
  maxConcurrentCalls?: number;
}

/** A running subscription; `close()` stops receiving after in-flight handlers finish. */
export interface ChannelSubscription {
  close(): Promise<void>;
}

/** Status of the channel for health pages. */
export interface ChannelStatus {
  mode: ConnectivityMode | undefined;
  probes: ProbeResult[];
  lastError: string | undefined;
  consecutiveFailures: number;
}

interface ActiveSubscription {
  entity: string;
  handler: EnvelopeHandler;
  options: SubscribeOptions;
  receiver?: ServiceBusReceiver;
  stop?: () => Promise<void>;
}

interface Clients {
  mode: ConnectivityMode;
  client: ServiceBusClient;
  senders: Map<string, ServiceBusSender>;
}

/**
 * One tenant's channel to Service Bus over the real `@azure/service-bus` client. It chooses how to
 * connect (AMQP over TCP preferred, WebSockets as fallback), sends envelopes in batches that respect
 * the entity's max message size with retries and backoff, receives with handlers and a processError
 * callback, and re-probes connectivity when failures persist, rebuilding its clients in the new mode.
 */
export class ServiceBusChannel {
  readonly #options: ServiceBusChannelOptions;
  readonly #subscriptions = new Set<ActiveSubscription>();
  #clients: Clients | undefined;
  #opening: Promise<Clients> | undefined;
  #probes: ProbeResult[] = [];
  #lastError: string | undefined;
  #failingSince: number | undefined;
  #consecutiveFailures = 0;
  #reprobing: Promise<void> | undefined;
  #closed = false;

  constructor(options: ServiceBusChannelOptions) {
    this.#options = options;
  }

  /** A channel from a connection string with a shared access key (sandbox and key-based deployments). */
  static fromConnectionString(connectionString: string, options: Omit<ServiceBusChannelOptions, 'host' | 'credentials'> = {}): ServiceBusChannel {
    return new ServiceBusChannel({ ...options, ...channelOptionsFromConnectionString(connectionString, (n, k) => new AzureNamedKeyCredential(n, k)) });
  }

  /** Current connectivity and error state. */
  status(): ChannelStatus {
    return { mode: this.#clients?.mode, probes: this.#probes, lastError: this.#lastError, consecutiveFailures: this.#consecutiveFailures };
  }

  /** Connect (probing when the mode is auto). Other methods open on demand; call this to fail fast at start. */
  async open(): Promise<ConnectivityMode> {
    return (await this.#ensureClients()).mode;
  }

  /** The largest message the entity accepts, in bytes (from the link's max-message-size). */
  async maxMessageSizeInBytes(entity: string): Promise<number> {
    const sender = await this.#sender(entity);
    const batch = await sender.createMessageBatch();
    return batch.maxSizeInBytes;
  }

  /**
   * Send envelopes to an entity in as few batches as the entity's max size allows. Retries transient
   * failures with backoff, resuming from the first unsent batch, so a retry duplicates at most one batch
   * (duplicates keep their message id). Throws `too-large` for a single envelope over the limit.
   */
  async send(entity: string, envelopes: readonly Envelope[], options: { abortSignal?: AbortSignal } = {}): Promise<void> {
    if (this.#closed) throw new HybridError('transport', 'channel is closed', { retryable: false });
    const messages = envelopes.map(toServiceBusMessage);
    const backoff = new Backoff(this.#options.retry);
    const maxAttempts = this.#options.retry?.maxAttempts ?? 6;
    let next = 0;
    for (;;) {
      try {
        const sender = await this.#sender(entity);
        while (next < messages.length) {
          const batch = await sender.createMessageBatch();
          let end = next;
          while (end < messages.length && batch.tryAddMessage(messages[end]!)) end += 1;
          if (end === next) {
            throw new HybridError('too-large', `message ${envelopes[next]!.messageId} exceeds the ${batch.maxSizeInBytes}-byte limit of ${entity}; send it as a claim check`, {
              retryable: false,
              details: { entity, maxSizeInBytes: batch.maxSizeInBytes },
            });
          }
          await sender.sendMessages(batch, { abortSignal: options.abortSignal });
          next = end;
        }
        this.#recordSuccess();
        return;
      } catch (error) {
        const translated = translateServiceBusError(error, `send to ${entity}`);
        this.#recordFailure(translated);
        if (!translated.retryable || backoff.failures + 1 >= maxAttempts || options.abortSignal?.aborted) throw translated;
        await sleep(backoff.failed(), options.abortSignal).catch(() => {
          throw translated;
        });
      }
    }
  }

  /** Receive from an entity in peekLock mode, settling each message by the handler's outcome. */
  async subscribe(entity: string, handler: EnvelopeHandler, options: SubscribeOptions): Promise<ChannelSubscription> {
    const subscription: ActiveSubscription = { entity, handler, options };
    this.#subscriptions.add(subscription);
    await this.#startReceiving(subscription, await this.#ensureClients());
    return {
      close: async () => {
        this.#subscriptions.delete(subscription);
        await this.#stopReceiving(subscription);
      },
    };
  }

  /** Close every link and client. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => this.#stopReceiving(s)));
    this.#subscriptions.clear();
    const clients = this.#clients;
    this.#clients = undefined;
    if (clients) await this.#closeClients(clients);
  }

  async #startReceiving(subscription: ActiveSubscription, clients: Clients): Promise<void> {
    const receiver = clients.client.createReceiver(subscription.entity, { receiveMode: 'peekLock' });
    subscription.receiver = receiver;
    const handle = receiver.subscribe(
      {
        processMessage: async (message: ServiceBusReceivedMessage) => this.#process(subscription, receiver, message),
        processError: async (args: ProcessErrorArgs) => {
          const error = translateServiceBusError(args.error, `receive from ${subscription.entity} (${args.errorSource})`);
          this.#recordFailure(error);
          subscription.options.processError(error);
        },
      },
      { autoCompleteMessages: false, maxConcurrentCalls: subscription.options.maxConcurrentCalls ?? 1 },
    );
    subscription.stop = async () => {
      await handle.close();
      await receiver.close();
    };
  }

  async #stopReceiving(subscription: ActiveSubscription): Promise<void> {
    const stop = subscription.stop;
    subscription.stop = undefined;
    subscription.receiver = undefined;
    await stop?.().catch(() => undefined);
  }

  async #process(subscription: ActiveSubscription, receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage): Promise<void> {
    this.#recordSuccess();
    const decoded = fromServiceBusMessage(message);
    if (!decoded.ok) {
      subscription.options.processError(new HybridError('invalid-input', `dead-lettered message ${String(message.messageId)} from ${subscription.entity}: ${decoded.reason}`));
      await receiver.deadLetterMessage(message, { deadLetterReason: 'InvalidEnvelope', deadLetterErrorDescription: decoded.reason.slice(0, 1024) });
      return;
    }
    try {
      await subscription.handler(decoded.envelope, {
        entity: subscription.entity,
        deliveryCount: message.deliveryCount ?? 0,
        enqueuedAt: message.enqueuedTimeUtc,
        sequenceNumber: message.sequenceNumber === undefined ? undefined : BigInt(message.sequenceNumber.toString()),
      });
    } catch (error) {
      const failure = isHybridError(error) ? error : new HybridError('internal', (error as Error)?.message ?? String(error), { cause: error, retryable: true });
      subscription.options.processError(failure);
      // Not retryable means a retry cannot help (bad input): park it for inspection instead of looping.
      if (!failure.retryable) {
        await receiver.deadLetterMessage(message, { deadLetterReason: failure.code, deadLetterErrorDescription: failure.message.slice(0, 1024) });
      } else {
        await receiver.abandonMessage(message);
      }
      return;
    }
    await receiver.completeMessage(message);
  }

  async #sender(entity: string): Promise<ServiceBusSender> {
    const clients = await this.#ensureClients();
    let sender = clients.senders.get(entity);
    if (sender === undefined) {
      sender = clients.client.createSender(entity);
      clients.senders.set(entity, sender);
    }
    return sender;
  }

  #ensureClients(): Promise<Clients> {
    if (this.#clients) return Promise.resolve(this.#clients);
    if (this.#closed) return Promise.reject(new HybridError('transport', 'channel is closed', { retryable: false }));
    this.#opening ??= (async () => {
      try {
        const mode = await this.#chooseMode();
        this.#clients = this.#createClients(mode);
        this.#options.logger?.info({ mode, host: this.#options.host }, 'Service Bus channel connected');
        return this.#clients;
      } finally {
        this.#opening = undefined;
      }
    })();
    return this.#opening;
  }

  async #chooseMode(): Promise<ConnectivityMode> {
    const requested = this.#options.mode ?? 'auto';
    if (requested !== 'auto') return requested;
    const o = this.#options;
    const report = await detectConnectivity(
      { host: o.host, port: this.#amqpPort(), tls: !o.useDevelopmentEmulator, timeoutInMs: o.probeTimeoutInMs },
      { host: o.host, port: o.webSocketPort ?? 443, webSocketOptions: o.webSocketOptions, timeoutInMs: o.probeTimeoutInMs },
    );
    this.#probes = report.probes;
    if (report.mode === undefined) {
      const reasons = report.probes.map((p) => `${p.mode}: ${p.error}`).join('; ');
      this.#lastError = reasons;
      throw new HybridError('transport', `Service Bus at ${o.host} is unreachable over AMQP and over WebSockets (${reasons})`, { retryable: true });
    }
    return report.mode;
  }

  #amqpPort(): number {
    return this.#options.amqpPort ?? (this.#options.useDevelopmentEmulator ? 5672 : 5671);
  }

  #createClients(mode: ConnectivityMode): Clients {
    const o = this.#options;
    // The channel retries with its own backoff; the client's own retries would multiply the waits.
    const retryOptions = { maxRetries: 0, timeoutInMs: o.operationTimeoutInMs ?? 20_000 };
    const credential = o.credentials.kind === 'named-key' ? o.credentials.credential : (o.credentials.provider as unknown as TokenCredential);
    let client: ServiceBusClient;
    if (mode === 'amqp-websockets') {
      const webSocketOptions = { webSocket: WebSocket as never, webSocketConstructorOptions: o.webSocketOptions ?? {} };
      client = new ServiceBusClient(`${o.host}:${o.webSocketPort ?? 443}`, credential, { webSocketOptions, retryOptions });
    } else if (o.useDevelopmentEmulator) {
      // The client only speaks plain TCP when told so by a connection-string flag, which takes a key, not a token source.
      if (o.credentials.kind !== 'named-key') throw new HybridError('invalid-config', 'plain-TCP (development emulator) mode needs a shared access key, not SAS tokens');
      const { name, key } = o.credentials.credential;
      client = new ServiceBusClient(`Endpoint=sb://${o.host}:${this.#amqpPort()}/;SharedAccessKeyName=${name};SharedAccessKey=${key};UseDevelopmentEmulator=true`, { retryOptions });
    } else {
      client = new ServiceBusClient(`${o.host}:${this.#amqpPort()}`, credential, { retryOptions });
    }
    return { mode, client, senders: new Map() };
  }

  async #closeClients(clients: Clients): Promise<void> {
    await Promise.all([...clients.senders.values()].map((s) => s.close().catch(() => undefined)));
    await clients.client.close().catch(() => undefined);
  }

  #recordSuccess(): void {
    this.#failingSince = undefined;
    this.#consecutiveFailures = 0;
  }

  #recordFailure(error: HybridError): void {
    this.#lastError = error.message;
    this.#consecutiveFailures += 1;
    this.#failingSince ??= Date.now();
    const persistent = Date.now() - this.#failingSince >= (this.#options.reprobeAfterInMs ?? 60_000);
    if (persistent && (this.#options.mode ?? 'auto') === 'auto' && error.code === 'transport') this.#reprobing ??= this.#reprobe().finally(() => (this.#reprobing = undefined));
  }

  /** Failures persisted: probe again and, when another mode is the one that works now, rebuild in it. */
  async #reprobe(): Promise<void> {
    const current = this.#clients;
    if (current === undefined || this.#closed) return;
    let mode: ConnectivityMode;
    try {
      mode = await this.#chooseMode();
    } catch {
      this.#failingSince = Date.now();
      return;
    }
    this.#failingSince = Date.now();
    if (mode === current.mode || this.#closed) return;
    this.#options.logger?.warn({ from: current.mode, to: mode }, 'Service Bus connectivity changed; reconnecting');
    const next = this.#createClients(mode);
    this.#clients = next;
    for (const subscription of this.#subscriptions) {
      await this.#stopReceiving(subscription);
      await this.#startReceiving(subscription, next);
    }
    await this.#closeClients(current);
  }
}
