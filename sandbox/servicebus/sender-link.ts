import type { Delivery, EventContext, Message, Receiver } from 'rhea';
import { AmqpConditions, BrokerError } from './amqp-conditions.js';
import { BATCH_MESSAGE_FORMAT, decodeBatch, encodeMessage } from './amqp-codec.js';
import type { BrokerConnection, LinkHandler } from './broker-connection.js';
import { afterQueuedDispositions, echoSettleModes, setMaxMessageSize } from './rhea-internals.js';
import { normalizePath } from './sas-verifier.js';
import type { SendTarget } from './topic.js';

/**
 * A client's sender attached to a queue or topic (on our side an AMQP receiver link): takes single and batch
 * transfers, enforces the size limit and settles each transfer `accepted` or `rejected` with the service's condition.
 */
export class SenderLink implements LinkHandler {
  readonly requiredRight = 'Send' as const;
  readonly address: string;

  constructor(
    private readonly link: Receiver,
    private readonly target: SendTarget,
    private readonly owner: BrokerConnection,
    private readonly isServerBusy: () => boolean,
  ) {
    this.address = normalizePath(target.name);
    link.set_target({ address: link.target?.address ?? target.name });
    link.set_source({ address: link.source?.address ?? '' });
    echoSettleModes(link);
    setMaxMessageSize(link, target.maxMessageSizeInBytes);
  }

  /** A transfer arrived. */
  onMessage(context: EventContext): void {
    const delivery = context.delivery!;
    try {
      if (this.isServerBusy()) {
        throw new BrokerError(AmqpConditions.serverBusy, `The server is busy (fault injected). Resource: '${this.target.name}'.`);
      }
      const { messages, sizeInBytes } = readTransfer(context);
      if (sizeInBytes > this.target.maxMessageSizeInBytes) {
        throw new BrokerError(
          AmqpConditions.messageSizeExceeded,
          `The received message (delivery-id:${delivery.id}, size:${sizeInBytes} bytes) exceeds the limit (${this.target.maxMessageSizeInBytes} bytes) currently allowed on the link.`,
        );
      }
      this.target.send(messages);
      delivery.accept();
    } catch (error) {
      reject(delivery, error);
    }
  }

  revoke(error: BrokerError): void {
    this.owner.removeLink(this);
    this.link.close(error.toAmqpError());
  }

  onClosed(): void {
    this.owner.removeLink(this);
  }
}

function readTransfer(context: EventContext): { messages: Message[]; sizeInBytes: number } {
  const format = (context as EventContext & { format?: number }).format ?? 0;
  if (format === 0) {
    // rhea hands format-0 transfers over already decoded; re-encoding gives the size the client produced.
    const message = context.message!;
    return { messages: [message], sizeInBytes: encodeMessage(message).length };
  }
  if (format === BATCH_MESSAGE_FORMAT) {
    const payload = context.message as unknown as Buffer;
    return { messages: decodeBatch(payload), sizeInBytes: payload.length };
  }
  throw new BrokerError(AmqpConditions.notImplemented, `Message format ${format} is not supported.`);
}

function reject(delivery: Delivery, error: unknown): void {
  const brokerError =
    error instanceof BrokerError ? error : new BrokerError(AmqpConditions.internalError, `The broker failed to store the message: ${(error as Error).message}`);
  afterQueuedDispositions(() => delivery.reject(brokerError.toAmqpError()));
}
