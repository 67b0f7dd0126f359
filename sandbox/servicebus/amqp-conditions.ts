/** AMQP error conditions the real Service Bus uses, as `@azure/core-amqp` maps them (surface doc §9). */
export const AmqpConditions = {
  unauthorizedAccess: 'amqp:unauthorized-access',
  notFound: 'amqp:not-found',
  notAllowed: 'amqp:not-allowed',
  notImplemented: 'amqp:not-implemented',
  internalError: 'amqp:internal-error',
  messageSizeExceeded: 'amqp:link:message-size-exceeded',
  connectionForced: 'amqp:connection:forced',
  detachForced: 'amqp:link:detach-forced',
  serverBusy: 'com.microsoft:server-busy',
  timeout: 'com.microsoft:timeout',
  argumentError: 'com.microsoft:argument-error',
  messageLockLost: 'com.microsoft:message-lock-lost',
  sessionLockLost: 'com.microsoft:session-lock-lost',
  sessionCannotBeLocked: 'com.microsoft:session-cannot-be-locked',
  messageNotFound: 'com.microsoft:message-not-found',
  deadLetter: 'com.microsoft:dead-letter',
} as const;

/** One of the conditions in {@link AmqpConditions}. */
export type AmqpCondition = (typeof AmqpConditions)[keyof typeof AmqpConditions];

// Management responses carry a status code as well as the condition; the client prefers the condition,
// but the code is what a human reads in a trace, so keep it plausible.
const statusByCondition: Record<AmqpCondition, number> = {
  'amqp:unauthorized-access': 401,
  'amqp:not-found': 404,
  'amqp:not-allowed': 400,
  'amqp:not-implemented': 501,
  'amqp:internal-error': 500,
  'amqp:link:message-size-exceeded': 413,
  'amqp:connection:forced': 500,
  'amqp:link:detach-forced': 500,
  'com.microsoft:server-busy': 503,
  'com.microsoft:timeout': 408,
  'com.microsoft:argument-error': 400,
  'com.microsoft:message-lock-lost': 410,
  'com.microsoft:session-lock-lost': 410,
  'com.microsoft:session-cannot-be-locked': 410,
  'com.microsoft:message-not-found': 404,
  'com.microsoft:dead-letter': 400,
};

/** A failure the broker reports to the client as an AMQP error (link detach, rejected outcome or management status). */
export class BrokerError extends Error {
  constructor(
    readonly condition: AmqpCondition,
    readonly description: string,
  ) {
    super(description);
    this.name = 'BrokerError';
  }

  /** The management `statusCode` that goes with the condition. */
  get statusCode(): number {
    return statusByCondition[this.condition];
  }

  /** The `{condition, description}` pair rhea puts on the wire. */
  toAmqpError(): { condition: string; description: string } {
    return { condition: this.condition, description: this.description };
  }
}

/** The description the client needs to classify a missing entity as `MessagingEntityNotFound`. */
export function entityNotFound(resource: string): BrokerError {
  return new BrokerError(AmqpConditions.notFound, `The messaging entity '${resource}' could not be found.`);
}
