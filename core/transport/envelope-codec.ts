import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import { envelopePropertiesSchema, type Envelope } from '../../contracts/envelope.js';

/** Map an envelope to the Service Bus client's message shape: routing facts as application properties, JSON body. */
export function toServiceBusMessage(envelope: Envelope): ServiceBusMessage {
  const { claimCheck, ...rest } = envelope.properties;
  const applicationProperties: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) applicationProperties[key] = value;
  if (claimCheck) applicationProperties.claimCheck = true;
  return {
    messageId: envelope.messageId,
    ...(envelope.correlationId === undefined ? {} : { correlationId: envelope.correlationId }),
    ...(envelope.sessionId === undefined ? {} : { sessionId: envelope.sessionId }),
    contentType: 'application/json',
    body: envelope.body,
    applicationProperties,
  };
}

/** A received message decoded back into an envelope, or the reason it cannot be. */
export type DecodedMessage = { ok: true; envelope: Envelope } | { ok: false; reason: string };

/** Decode a received message; a message without a valid envelope is reported, never half-accepted. */
export function fromServiceBusMessage(message: ServiceBusReceivedMessage): DecodedMessage {
  const properties = envelopePropertiesSchema.safeParse(message.applicationProperties ?? {});
  if (!properties.success) {
    return { ok: false, reason: `invalid envelope properties: ${properties.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}` };
  }
  if (!properties.data.schemaVersion.startsWith('1.')) {
    return { ok: false, reason: `unsupported envelope schema version ${properties.data.schemaVersion}` };
  }
  let body: unknown = message.body;
  // A body sent as bytes by a non-SDK producer is still JSON by contract.
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    try {
      body = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      return { ok: false, reason: 'body is not JSON' };
    }
  }
  return {
    ok: true,
    envelope: {
      messageId: String(message.messageId ?? ''),
      ...(message.correlationId === undefined ? {} : { correlationId: String(message.correlationId) }),
      ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }),
      properties: properties.data,
      body,
    },
  };
}
