import { z } from 'zod';
import { feedRecordSchema } from './records.js';

/**
 * The envelope every Service Bus message of the system carries (DESIGN §4).
 * Routing facts live in application properties so that a receiver can route without parsing the body;
 * the body is JSON, or a claim-check reference when it would exceed the entity's max message size.
 */

/** Version of the envelope and body schemas; a receiver rejects majors it does not know. */
export const ENVELOPE_SCHEMA_VERSION = '1.0';

/** Every kind of message that crosses Service Bus. A closed union: receivers dead-letter unknown kinds. */
export const messageKinds = [
  'subscription.upsert', // cloud -> OHS
  'subscription.delete', // cloud -> OHS
  'request', // cloud -> OHS
  'response', // OHS -> cloud (responses entity, session = request id)
  'feed.records', // OHS -> subscriber
  'file.detected', // OHS -> subscriber
  'file.uploaded', // OHS -> subscriber
  'file.download', // cloud -> OHS
  'file.downloaded', // OHS -> cloud
  'ohs.status', // OHS -> cloud
] as const;
/** A message kind. */
export type MessageKind = (typeof messageKinds)[number];

/** Application properties of every message. */
export const envelopePropertiesSchema = z.object({
  tenantId: z.string().min(1),
  kind: z.enum(messageKinds),
  schemaVersion: z.string().regex(/^\d+\.\d+$/),
  adapterId: z.string().optional(),
  feed: z.string().optional(),
  operation: z.string().optional(),
  /** Present when the body is a claim-check reference rather than the payload. */
  claimCheck: z.boolean().optional(),
});
/** Application properties of every message. */
export type EnvelopeProperties = z.infer<typeof envelopePropertiesSchema>;

/** Body of a message whose payload was stored in Blob storage because it was too large. */
export const claimCheckBodySchema = z.object({
  container: z.string().min(3),
  blobName: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
/** Claim-check reference body. */
export type ClaimCheckBody = z.infer<typeof claimCheckBodySchema>;

/** A subscriber asks for a feed's records on its own delivery entity. */
export const subscriptionBodySchema = z.object({
  subscriptionId: z.string().min(1),
  subscriberId: z.string().min(1),
  adapterId: z.string().min(1),
  feed: z.string().min(1),
  deliveryEntity: z.string().min(1),
  createdAt: z.string(),
});
/** Subscription body. */
export type SubscriptionBody = z.infer<typeof subscriptionBodySchema>;

/** A request for an operation of a request-response adapter. */
export const requestBodySchema = z.object({
  requestId: z.string().min(1),
  idempotencyKey: z.string().min(1),
  adapterId: z.string().min(1),
  operation: z.string().min(1),
  /** Absolute deadline, ISO 8601 UTC: past it the OHS answers timed-out and never executes. */
  deadline: z.string(),
  payload: z.unknown(),
  replyTo: z.string().min(1),
});
/** Request body. */
export type RequestBody = z.infer<typeof requestBodySchema>;

/** The answer to a request. */
export const responseBodySchema = z.object({
  requestId: z.string().min(1),
  status: z.enum(['completed', 'failed', 'timed-out']),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
  completedAt: z.string(),
});
/** Response body. */
export type ResponseBody = z.infer<typeof responseBodySchema>;

/** A batch of canonical records for one feed. */
export const feedRecordsBodySchema = z.object({
  subscriptionId: z.string().min(1),
  adapterId: z.string().min(1),
  feed: z.string().min(1),
  records: z.array(feedRecordSchema),
});
/** Feed records body. */
export type FeedRecordsBody = z.infer<typeof feedRecordsBodySchema>;

/** A file seen (detected) or stored (uploaded) by the OHS. */
export const fileNotificationBodySchema = z.object({
  fileId: z.string().min(1),
  adapterId: z.string().min(1),
  fileName: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  blobName: z.string().optional(),
  container: z.string().optional(),
  recordCount: z.number().int().nonnegative().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  at: z.string(),
});
/** File notification body. */
export type FileNotificationBody = z.infer<typeof fileNotificationBodySchema>;

/** The cloud asks the OHS to download a blob into an adapter's inbound folder. */
export const fileDownloadBodySchema = z.object({
  downloadId: z.string().min(1),
  adapterId: z.string().min(1),
  container: z.string().min(3),
  blobName: z.string().min(1),
  fileName: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
/** File download body. */
export type FileDownloadBody = z.infer<typeof fileDownloadBodySchema>;

/** Body schema per kind, for receivers that validate before acting. */
export const bodySchemaByKind: Record<MessageKind, z.ZodType> = {
  'subscription.upsert': subscriptionBodySchema,
  'subscription.delete': subscriptionBodySchema.pick({ subscriptionId: true, subscriberId: true }),
  request: requestBodySchema,
  response: responseBodySchema,
  'feed.records': feedRecordsBodySchema,
  'file.detected': fileNotificationBodySchema,
  'file.uploaded': fileNotificationBodySchema,
  'file.download': fileDownloadBodySchema,
  'file.downloaded': fileNotificationBodySchema,
  'ohs.status': z.record(z.string(), z.unknown()),
};

/** A message as the system builds it, before the transport maps it to the Service Bus client's shape. */
export interface Envelope<TBody = unknown> {
  /** Unique per logical message; receivers use it to detect duplicates of at-least-once delivery. */
  messageId: string;
  correlationId?: string;
  /** Set on sessionful entities (responses): the request id. */
  sessionId?: string;
  properties: EnvelopeProperties;
  body: TBody;
}

/** Build the application properties for a message of one kind. */
export function envelopeProperties(tenantId: string, kind: MessageKind, extra: Partial<Omit<EnvelopeProperties, 'tenantId' | 'kind' | 'schemaVersion'>> = {}): EnvelopeProperties {
  return { tenantId, kind, schemaVersion: ENVELOPE_SCHEMA_VERSION, ...extra };
}
