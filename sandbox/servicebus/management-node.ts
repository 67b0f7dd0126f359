import type { EventContext, Message, Receiver } from 'rhea';
import { AmqpConditions, BrokerError } from './amqp-conditions.js';
import { decodeMessage, longArray, readLong, readUuid, timestampArray, wrapInt, wrapUuid } from './amqp-codec.js';
import type { BrokerConnection, LinkHandler } from './broker-connection.js';
import type { AccessRight } from './entity-definitions.js';
import type { ResolvedEntity } from './entity-store.js';
import type { MessageQueue } from './queue.js';
import { echoSettleModes } from './rhea-internals.js';
import { sendReply } from './reply-link.js';
import { normalizePath } from './sas-verifier.js';

type Body = Record<string, unknown>;

interface Reply {
  status: number;
  body?: unknown;
}

interface Operation {
  right: AccessRight;
  run(body: Body): Reply;
}

const OK = 200;
const NO_CONTENT = 204;

/**
 * The `<entity>/$management` node: the request/response operations the client uses besides plain links
 * (lock renewal, peek, scheduling, deferral, session locks and state). Replies use camelCase `statusCode`,
 * `statusDescription` and always `errorCondition` on failure, which is what the client reads.
 */
export class ManagementNode implements LinkHandler {
  readonly requiredRight = undefined;
  readonly address: string;
  private readonly operations: Record<string, Operation>;

  constructor(
    private readonly link: Receiver,
    private readonly entity: ResolvedEntity,
    private readonly owner: BrokerConnection,
    private readonly isServerBusy: () => boolean,
    private readonly log: (line: string) => void,
  ) {
    this.address = normalizePath(`${entity.path}/$management`);
    link.set_target({ address: link.target?.address ?? `${entity.path}/$management` });
    link.set_source({ address: link.source?.address ?? '' });
    echoSettleModes(link);
    this.operations = {
      'com.microsoft:renew-lock': { right: 'Listen', run: (b) => this.renewLock(b) },
      'com.microsoft:peek-message': { right: 'Listen', run: (b) => this.peek(b) },
      'com.microsoft:receive-by-sequence-number': { right: 'Listen', run: (b) => this.receiveBySequenceNumber(b) },
      'com.microsoft:update-disposition': { right: 'Listen', run: (b) => this.updateDisposition(b) },
      'com.microsoft:renew-session-lock': { right: 'Listen', run: (b) => this.renewSessionLock(b) },
      'com.microsoft:get-session-state': { right: 'Listen', run: (b) => this.getSessionState(b) },
      'com.microsoft:set-session-state': { right: 'Listen', run: (b) => this.setSessionState(b) },
      'com.microsoft:get-message-sessions': { right: 'Listen', run: (b) => this.getMessageSessions(b) },
      'com.microsoft:schedule-message': { right: 'Send', run: (b) => this.schedule(b) },
      'com.microsoft:cancel-scheduled-message': { right: 'Send', run: (b) => this.cancelScheduled(b) },
    };
  }

  /** A request arrived. */
  onMessage(context: EventContext): void {
    context.delivery?.accept();
    const request = context.message!;
    const response = this.respond(request);
    response.correlation_id = request.message_id;
    if (!sendReply(context.connection, request.reply_to, response)) {
      this.log(`management: no reply link for '${String(request.reply_to)}'; response dropped`);
    }
  }

  revoke(error: BrokerError): void {
    this.owner.removeLink(this);
    this.link.close(error.toAmqpError());
  }

  onClosed(): void {
    this.owner.removeLink(this);
  }

  private respond(request: Message): Message {
    const name = String(request.application_properties?.operation ?? '');
    const operation = this.operations[name];
    try {
      if (!operation) throw new BrokerError(AmqpConditions.notImplemented, `The operation '${name}' is not supported by the sandbox broker.`);
      const denied = this.owner.authorize(this.address, operation.right);
      if (denied) throw denied;
      if (this.isServerBusy()) throw new BrokerError(AmqpConditions.serverBusy, `The server is busy (fault injected). Resource: '${this.entity.path}'.`);
      const body = (request.body ?? {}) as Body;
      const reply = operation.run(typeof body === 'object' ? body : {});
      return {
        application_properties: { statusCode: wrapInt(reply.status), statusDescription: reply.status === NO_CONTENT ? 'No Content' : 'OK' },
        body: reply.body,
      };
    } catch (error) {
      const brokerError = error instanceof BrokerError ? error : new BrokerError(AmqpConditions.internalError, (error as Error).message);
      return {
        application_properties: {
          statusCode: wrapInt(brokerError.statusCode),
          statusDescription: brokerError.description,
          errorCondition: brokerError.condition,
        },
        body: undefined,
      };
    }
  }

  private queue(): MessageQueue {
    if (!this.entity.queue) throw new BrokerError(AmqpConditions.notAllowed, `'${this.entity.path}' is a topic; receive-side operations need a subscription.`);
    return this.entity.queue;
  }

  private renewLock(body: Body): Reply {
    const queue = this.queue();
    const expirations = lockTokens(body).map((token) => queue.renewLock(token));
    return { status: OK, body: { expirations: timestampArray(expirations) } };
  }

  private peek(body: Body): Reply {
    const from = readLong(body['from-sequence-number'] ?? 1);
    const count = typeof body['message-count'] === 'number' ? body['message-count'] : 1;
    const messages = this.queue().peek(from, count, optionalString(body['session-id']));
    if (messages.length === 0) return { status: NO_CONTENT };
    return { status: OK, body: { messages: messages.map((message) => ({ message: message.encode() })) } };
  }

  private receiveBySequenceNumber(body: Body): Reply {
    const sequenceNumbers = asArray(body['sequence-numbers']).map(readLong);
    // receiver-settle-mode: 0 = receive-and-delete, 1 = peek-lock.
    const mode = body['receiver-settle-mode'] === 0 ? 'receiveAndDelete' : 'peekLock';
    const messages = this.queue().receiveDeferred(sequenceNumbers, mode, optionalString(body['session-id']));
    return {
      status: OK,
      body: {
        messages: messages.map((message) =>
          // Unlike a delivery tag, this lock token goes out in RFC byte order; the client does not reorder it.
          message.lock ? { message: message.encode(), 'lock-token': wrapUuid(message.lock.tokenBytes) } : { message: message.encode() },
        ),
      },
    };
  }

  private updateDisposition(body: Body): Reply {
    const queue = this.queue();
    const status = body['disposition-status'];
    const properties = isRecord(body['properties-to-modify']) ? body['properties-to-modify'] : undefined;
    for (const token of lockTokens(body)) {
      switch (status) {
        case 'completed':
          queue.complete(token);
          break;
        case 'abandoned':
          queue.abandon(token, properties);
          break;
        case 'defered': // sic: the spelling the protocol uses
          queue.defer(token, properties);
          break;
        case 'suspended':
          queue.deadLetter(token, {
            reason: optionalString(body['deadletter-reason']),
            description: optionalString(body['deadletter-description']),
            properties,
          });
          break;
        default:
          throw new BrokerError(AmqpConditions.argumentError, `Unknown disposition-status '${String(status)}'.`);
      }
    }
    return { status: OK };
  }

  private renewSessionLock(body: Body): Reply {
    return { status: OK, body: { expiration: new Date(this.queue().renewSessionLock(sessionIdOf(body))) } };
  }

  private getSessionState(body: Body): Reply {
    return { status: OK, body: { 'session-state': this.queue().getSessionState(sessionIdOf(body)) ?? null } };
  }

  private setSessionState(body: Body): Reply {
    const state = body['session-state'];
    this.queue().setSessionState(sessionIdOf(body), Buffer.isBuffer(state) ? state : undefined);
    return { status: OK };
  }

  private getMessageSessions(body: Body): Reply {
    const skip = typeof body.skip === 'number' ? body.skip : 0;
    const top = typeof body.top === 'number' ? body.top : Number.MAX_SAFE_INTEGER;
    const ids = this.queue().sessionIds().slice(skip, skip + top);
    if (ids.length === 0) return { status: NO_CONTENT };
    return { status: OK, body: { skip: wrapInt(skip + ids.length), 'sessions-ids': ids } };
  }

  private schedule(body: Body): Reply {
    const target = this.entity.sendTarget;
    if (!target) throw new BrokerError(AmqpConditions.notAllowed, `Messages cannot be scheduled on '${this.entity.path}'.`);
    const messages = asArray(body.messages).map((entry) => {
      const encoded = isRecord(entry) ? entry.message : undefined;
      if (!Buffer.isBuffer(encoded)) throw new BrokerError(AmqpConditions.argumentError, 'Each scheduled entry needs an encoded `message`.');
      return decodeMessage(encoded);
    });
    return { status: OK, body: { 'sequence-numbers': longArray(target.send(messages)) } };
  }

  private cancelScheduled(body: Body): Reply {
    const target = this.entity.sendTarget;
    if (!target) throw new BrokerError(AmqpConditions.notAllowed, `'${this.entity.path}' has no scheduled messages.`);
    target.cancelScheduled(asArray(body['sequence-numbers']).map(readLong));
    return { status: OK };
  }
}

function lockTokens(body: Body): string[] {
  return asArray(body['lock-tokens']).map(readUuid);
}

function sessionIdOf(body: Body): string {
  const id = body['session-id'];
  if (typeof id !== 'string') throw new BrokerError(AmqpConditions.argumentError, 'The request needs a `session-id`.');
  return id;
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null) return [];
  return [value];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value);
}
