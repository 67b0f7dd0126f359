import { ServiceBusClient, isServiceBusError, type ServiceBusSender } from '@azure/service-bus';
import type { Envelope } from '../../contracts/index.js';
import type { Logger } from '../../core/log/index.js';

/** A message read back from a sessionful entity. */
export interface ReceivedEnvelope {
  messageId: string | undefined;
  sessionId: string;
  properties: Record<string, unknown>;
  body: unknown;
}

/** What the handler wants done with a received message once it returns. */
export type Disposition = 'complete' | 'dead-letter';

/** Outcome of one session read. */
export type SessionReadOutcome = 'handled' | 'empty' | 'busy';

/** The gateway's view of Service Bus: send envelopes, read one message of a session. */
export interface GatewayBus {
  /** Send one envelope; the message expires after `timeToLiveInMs` when given. */
  send(entity: string, envelope: Envelope, options?: { timeToLiveInMs?: number }): Promise<void>;
  /**
   * Lock the session, wait up to `waitInMs` for one message, hand it to `handler`, then settle it as the
   * handler says; if the handler throws, the message is abandoned (it stays for the next reader) and the
   * error propagates. 'busy' means another reader holds the session lock.
   */
  receiveFromSession(entity: string, sessionId: string, waitInMs: number, handler: (message: ReceivedEnvelope) => Promise<Disposition>): Promise<SessionReadOutcome>;
  close(): Promise<void>;
}

/** Options for {@link createServiceBusRelay}. */
export interface ServiceBusRelayOptions {
  /** The gateway's own connection (a key with Send on OHS inbound entities and Listen on response entities). */
  connectionString: string;
  logger: Logger;
  /** Per operation; short by default so that a broken namespace answers 503 quickly instead of hanging a request. */
  operationTimeoutInMs?: number;
}

/** {@link GatewayBus} on the Azure Service Bus client; senders are cached per entity and rebuilt after a failure. */
export function createServiceBusRelay(options: ServiceBusRelayOptions): GatewayBus {
  const client = new ServiceBusClient(options.connectionString, {
    retryOptions: { maxRetries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 2_000, timeoutInMs: options.operationTimeoutInMs ?? 15_000 },
  });
  const senders = new Map<string, ServiceBusSender>();
  const sender = (entity: string): ServiceBusSender => {
    let existing = senders.get(entity);
    if (!existing) {
      existing = client.createSender(entity);
      senders.set(entity, existing);
    }
    return existing;
  };

  return {
    async send(entity, envelope, sendOptions) {
      const message = {
        messageId: envelope.messageId,
        body: envelope.body,
        contentType: 'application/json',
        applicationProperties: { ...envelope.properties } as Record<string, string | boolean>,
        ...(envelope.correlationId ? { correlationId: envelope.correlationId } : {}),
        ...(envelope.sessionId ? { sessionId: envelope.sessionId } : {}),
        ...(sendOptions?.timeToLiveInMs ? { timeToLive: sendOptions.timeToLiveInMs } : {}),
      };
      try {
        await sender(entity).sendMessages(message);
      } catch (err) {
        const failed = senders.get(entity);
        senders.delete(entity);
        await failed?.close().catch(() => undefined);
        throw err;
      }
    },

    async receiveFromSession(entity, sessionId, waitInMs, handler) {
      let receiver;
      try {
        receiver = await client.acceptSession(entity, sessionId, { receiveMode: 'peekLock', maxAutoLockRenewalDurationInMs: 0 });
      } catch (err) {
        if (isServiceBusError(err) && err.code === 'SessionCannotBeLocked') return 'busy';
        throw err;
      }
      try {
        const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: Math.max(waitInMs, 100) });
        if (!message) return 'empty';
        let disposition: Disposition;
        try {
          disposition = await handler({
            messageId: message.messageId === undefined ? undefined : String(message.messageId),
            sessionId,
            properties: (message.applicationProperties ?? {}) as Record<string, unknown>,
            body: message.body,
          });
        } catch (err) {
          await receiver.abandonMessage(message).catch((abandonErr: unknown) => options.logger.warn({ err: abandonErr }, 'abandon failed'));
          throw err;
        }
        if (disposition === 'dead-letter') {
          await receiver.deadLetterMessage(message, { deadLetterReason: 'InvalidResponse', deadLetterErrorDescription: 'response failed validation at the gateway' });
        } else {
          await receiver.completeMessage(message);
        }
        return 'handled';
      } finally {
        await receiver.close().catch((err: unknown) => options.logger.debug({ err }, 'session receiver close failed'));
      }
    },

    async close() {
      await Promise.allSettled([...senders.values()].map((s) => s.close()));
      senders.clear();
      await client.close();
    },
  };
}
