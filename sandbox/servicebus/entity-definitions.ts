import { z } from 'zod';

// Entity names may not contain '/': the broker splits addresses on it to find sub-queues and subscriptions.
const entityName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,259}$/, 'letters, digits, ".", "-" and "_" only, starting with a letter or digit')
  .describe('Entity name; matched case-insensitively like Azure does.');

/** A right a shared access rule grants; `Manage` implies the other two, as in Azure. */
export const accessRightSchema = z.enum(['Manage', 'Send', 'Listen']);

/** A shared access (SAS) rule: a key name, one or two keys and the rights they grant. */
export const sharedAccessRuleSchema = z
  .object({
    keyName: z.string().min(1).describe('The `SharedAccessKeyName` clients put in `skn`.'),
    primaryKey: z.string().min(1).describe('Secret. Used as UTF-8 bytes for HMAC-SHA256, as Azure does.'),
    secondaryKey: z.string().min(1).optional().describe('Secret. Also accepted, so keys can be rotated without downtime.'),
    rights: z.array(accessRightSchema).min(1).describe('What tokens signed with this rule may do.'),
  })
  .strict();

// Settings shared by the two things a client can receive from: queues and subscriptions.
const receivableSettings = {
  lockDurationInMs: z.number().int().positive().optional().describe('Peek-lock duration; default 60000 (Azure default).'),
  maxDeliveryCount: z.number().int().positive().optional().describe('Deliveries before dead-lettering; default 10.'),
  requiresSession: z.boolean().optional().describe('Messages need a session id and are received through sessions.'),
  defaultMessageTimeToLiveInMs: z.number().int().positive().optional().describe('TTL for messages that set none; default: never expire.'),
  deadLetteringOnMessageExpiration: z.boolean().optional().describe('Move expired messages to the dead-letter queue instead of dropping them.'),
};

const maxMessageSizeInBytes = z
  .number()
  .int()
  .positive()
  .optional()
  .describe('Largest message (or batch) a sender may transfer; default is the broker-wide setting (262144).');

/** Matches message properties exactly; every given field must match. */
export const correlationFilterSchema = z
  .object({
    correlationId: z.string().optional(),
    messageId: z.string().optional(),
    to: z.string().optional(),
    replyTo: z.string().optional(),
    subject: z.string().optional(),
    sessionId: z.string().optional(),
    replyToSessionId: z.string().optional(),
    contentType: z.string().optional(),
    applicationProperties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

/** A subscription rule: `true` (the `$Default` rule), `false`, or a correlation filter. */
export const subscriptionRuleSchema = z
  .object({
    name: z.string().min(1).describe('Rule name; `$Default` is what Azure creates.'),
    filter: z.union([z.boolean(), z.object({ correlation: correlationFilterSchema }).strict()]),
  })
  .strict();

/** A queue. */
export const queueDefinitionSchema = z
  .object({
    name: entityName,
    maxMessageSizeInBytes,
    accessRules: z.array(sharedAccessRuleSchema).optional().describe('Entity-scoped SAS rules.'),
    ...receivableSettings,
  })
  .strict();

/** A topic subscription. */
export const subscriptionDefinitionSchema = z
  .object({
    name: entityName,
    rules: z.array(subscriptionRuleSchema).optional().describe('Default: one `$Default` rule that matches everything.'),
    ...receivableSettings,
  })
  .strict();

/** A topic and its subscriptions. */
export const topicDefinitionSchema = z
  .object({
    name: entityName,
    maxMessageSizeInBytes,
    defaultMessageTimeToLiveInMs: receivableSettings.defaultMessageTimeToLiveInMs,
    accessRules: z.array(sharedAccessRuleSchema).optional().describe('Entity-scoped SAS rules (cover the topic and its subscriptions).'),
    subscriptions: z.array(subscriptionDefinitionSchema).optional(),
  })
  .strict();

/** Everything an entities file may declare. */
export const namespaceDefinitionSchema = z
  .object({
    accessRules: z.array(sharedAccessRuleSchema).optional().describe('Namespace-wide SAS rules; default RootManageSharedAccessKey.'),
    autoCreateEntities: z.boolean().optional().describe('Create unknown queues/topics/subscriptions when a client first attaches.'),
    queues: z.array(queueDefinitionSchema).optional(),
    topics: z.array(topicDefinitionSchema).optional(),
  })
  .strict();

/** A right granted by a shared access rule. */
export type AccessRight = z.infer<typeof accessRightSchema>;
/** A shared access (SAS) rule. */
export type SharedAccessRule = z.infer<typeof sharedAccessRuleSchema>;
/** A correlation filter of a subscription rule. */
export type CorrelationFilter = z.infer<typeof correlationFilterSchema>;
/** A subscription rule. */
export type SubscriptionRule = z.infer<typeof subscriptionRuleSchema>;
/** A queue declaration. */
export type QueueDefinition = z.infer<typeof queueDefinitionSchema>;
/** A subscription declaration. */
export type SubscriptionDefinition = z.infer<typeof subscriptionDefinitionSchema>;
/** A topic declaration. */
export type TopicDefinition = z.infer<typeof topicDefinitionSchema>;
/** A namespace declaration (the shape of an entities file). */
export type NamespaceDefinition = z.infer<typeof namespaceDefinitionSchema>;

/** Settings of something messages are received from, with defaults applied. */
export interface ReceivableSettings {
  lockDurationInMs: number;
  maxDeliveryCount: number;
  requiresSession: boolean;
  defaultMessageTimeToLiveInMs: number | undefined;
  deadLetteringOnMessageExpiration: boolean;
}

/** Applies Azure's defaults to queue or subscription settings. */
export function receivableSettingsOf(definition: Partial<ReceivableSettings> & { defaultMessageTimeToLiveInMs?: number }): ReceivableSettings {
  return {
    lockDurationInMs: definition.lockDurationInMs ?? 60_000,
    maxDeliveryCount: definition.maxDeliveryCount ?? 10,
    requiresSession: definition.requiresSession ?? false,
    defaultMessageTimeToLiveInMs: definition.defaultMessageTimeToLiveInMs,
    deadLetteringOnMessageExpiration: definition.deadLetteringOnMessageExpiration ?? false,
  };
}
