import type { Socket } from 'node:net';
import rhea from 'rhea';
import type { Connection, Container, Delivery, EventContext, Receiver, Sender, link as Link } from 'rhea';
import type { WebSocket } from 'ws';
import { AmqpConditions, BrokerError, entityNotFound } from './amqp-conditions.js';
import { dotnetTicks } from './amqp-codec.js';
import { BrokerConnection } from './broker-connection.js';
import type { LinkHandler } from './broker-connection.js';
import { CbsNode } from './cbs-node.js';
import type { EntityStore } from './entity-store.js';
import { faultApplies } from './faults.js';
import type { Faults } from './faults.js';
import { ManagementNode } from './management-node.js';
import { ReceiverLink } from './receiver-link.js';
import type { DispositionOutcome } from './receiver-link.js';
import { ReplyLink } from './reply-link.js';
import { holdAttach, releaseAttach, setLinkProperties } from './rhea-internals.js';
import type { SasVerifier } from './sas-verifier.js';
import { SenderLink } from './sender-link.js';

/** What the broker is built from. */
export interface BrokerOptions {
  store: EntityStore;
  verifier: SasVerifier;
  faults: Faults;
  now: () => number;
  log: (line: string) => void;
}

// The rhea events a link handler may care about; every handler also hears about its link closing.
interface RoutedLink {
  onMessage?(context: EventContext): void;
  onFlow?(): void;
  onDrain?(): void;
  onDisposition?(delivery: Delivery, outcome: DispositionOutcome): void;
  onClosed(): void;
}

const SESSION_FILTER = 'com.microsoft:session-filter';
const MANAGEMENT_SUFFIX = /\/\$management$/i;
const OUTCOMES: DispositionOutcome[] = ['accepted', 'rejected', 'modified', 'released'];

/**
 * The AMQP side of the emulator: a rhea container in server mode that routes each attach to the `$cbs` node, a
 * `$management` node or an entity, checks claims and faults first, and forwards rhea's events to the handlers.
 */
export class Broker {
  private readonly container: Container;
  private readonly connections = new Map<Connection, BrokerConnection>();
  private readonly routes = new WeakMap<Link, RoutedLink>();
  private nextConnectionId = 1;

  constructor(private readonly options: BrokerOptions) {
    this.container = rhea.create_container({ id: 'servicebus-sandbox' });
    this.listen();
  }

  /** Serves AMQP on an accepted TCP or TLS socket. */
  acceptSocket(socket: Socket): void {
    const connection = this.container.create_connection(this.connectionOptions() as never);
    (connection as Connection & { accept(socket: Socket): void }).accept(socket);
  }

  /** Serves AMQP inside an accepted WebSocket (subprotocol AMQPWSB10). */
  acceptWebSocket(socket: WebSocket): void {
    this.container.websocket_accept(socket as unknown as Socket, this.connectionOptions() as never);
  }

  /** Sends `close` with an error on every connection (the transport cuts the sockets afterwards). */
  closeConnections(error: BrokerError): number {
    const all = [...this.connections.keys()];
    for (const connection of all) connection.close(error.toAmqpError());
    return all.length;
  }

  /** Detaches every entity link (optionally only those of one entity) with `error`. Returns how many. */
  detachEntityLinks(error: BrokerError, entityPath: string | undefined): number {
    let count = 0;
    for (const owner of this.connections.values()) {
      for (const handler of owner.allLinks()) {
        if (!(handler instanceof SenderLink || handler instanceof ReceiverLink)) continue;
        if (!faultApplies(entityPath, handler.address)) continue;
        owner.removeLink(handler);
        handler.revoke(error);
        count++;
      }
    }
    return count;
  }

  /** Forgets every connection (used on shutdown, after the sockets are gone). */
  forgetConnections(): void {
    for (const owner of this.connections.values()) owner.close();
    this.connections.clear();
  }

  private connectionOptions(): Record<string, unknown> {
    return {
      id: `sb-${this.nextConnectionId++}`,
      // One event per outcome: rhea would otherwise report `modified` (abandon/defer) as `released` too.
      treat_modified_as_released: false,
      // Server receivers (client senders): we decide every outcome; keep plenty of credit out.
      receiver_options: { autoaccept: false, credit_window: 500 },
      properties: { product: 'hybrid-connector servicebus sandbox' },
    };
  }

  private listen(): void {
    const c = this.container;
    c.on('connection_open', (context: EventContext) => void this.ownerOf(context.connection));
    c.on('receiver_open', (context: EventContext) => this.guard(context, () => this.clientSenderAttached(context.receiver!, context.connection)));
    c.on('sender_open', (context: EventContext) => this.guard(context, () => this.clientReceiverAttached(context.sender!, context.connection)));
    c.on('message', (context: EventContext) => this.guard(context, () => this.routes.get(context.receiver!)?.onMessage?.(context)));
    for (const outcome of OUTCOMES) {
      c.on(outcome, (context: EventContext) =>
        this.guard(context, () => this.routes.get(context.sender!)?.onDisposition?.(context.delivery!, outcome)),
      );
    }
    c.on('sender_flow', (context: EventContext) => this.guard(context, () => this.routes.get(context.sender!)?.onFlow?.()));
    c.on('sender_draining', (context: EventContext) => this.guard(context, () => this.routes.get(context.sender!)?.onDrain?.()));
    c.on('sender_close', (context: EventContext) => this.linkClosed(context.sender!));
    c.on('receiver_close', (context: EventContext) => this.linkClosed(context.receiver!));
    c.on('session_close', (context: EventContext) => context.session?.each_link((link: Link) => this.linkClosed(link), () => true));
    c.on('connection_close', (context: EventContext) => this.connectionGone(context.connection));
    c.on('disconnected', (context: EventContext) => this.connectionGone(context.connection));
    c.on('connection_error', (context: EventContext) => this.options.log(`connection error: ${describe(context.connection.error)}`));
    c.on('protocol_error', (error: Error) => this.options.log(`protocol error: ${error.message}`));
    c.on('error', (error: Error) => this.options.log(`amqp error: ${error.message}`));
  }

  // A bug in one handler must not take the broker (and every other client) down with it.
  private guard(context: EventContext, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.options.log(`internal error on ${context.connection.options?.id ?? 'connection'}: ${(error as Error).stack ?? String(error)}`);
    }
  }

  private ownerOf(connection: Connection): BrokerConnection {
    let owner = this.connections.get(connection);
    if (!owner) {
      owner = new BrokerConnection(connection, this.options.now);
      this.connections.set(connection, owner);
    }
    return owner;
  }

  private connectionGone(connection: Connection): void {
    const owner = this.connections.get(connection);
    if (!owner) return;
    this.connections.delete(connection);
    owner.close();
  }

  private linkClosed(link: Link): void {
    const route = this.routes.get(link);
    if (!route) return;
    this.routes.delete(link);
    route.onClosed();
  }

  // Client sender attached: our end is a receiver link. Targets: `$cbs`, `<entity>/$management`, a queue or topic.
  private clientSenderAttached(link: Receiver, connection: Connection): void {
    const owner = this.ownerOf(connection);
    const address = link.target?.address ?? '';
    if (address === '$cbs') {
      const cbs = new CbsNode(link, owner, this.options.verifier, this.options.log);
      this.routes.set(link, { onMessage: (context) => cbs.onMessage(context), onClosed: () => undefined });
      return;
    }
    if (MANAGEMENT_SUFFIX.test(address)) {
      const entity = this.options.store.resolve(address.replace(MANAGEMENT_SUFFIX, ''));
      if (!entity) return refuse(link, entityNotFound(`sb://${owner.hostName}/${address}`));
      const denied = owner.authorize(`${entity.path}/$management`, undefined);
      if (denied) return refuse(link, denied);
      const node = new ManagementNode(link, entity, owner, () => this.options.faults.isServerBusy(entity.path), this.options.log);
      this.track(owner, link, node, { onMessage: (context) => node.onMessage(context), onClosed: () => node.onClosed() });
      return;
    }
    const entity = this.options.store.resolve(address);
    if (!entity) return refuse(link, entityNotFound(`sb://${owner.hostName}/${address}`));
    if (!entity.sendTarget) {
      return refuse(link, new BrokerError(AmqpConditions.notAllowed, `Cannot send to '${entity.path}'; send to its queue or topic.`));
    }
    const denied = owner.authorize(entity.path, 'Send') ?? this.busy(entity.path);
    if (denied) return refuse(link, denied);
    const sender = new SenderLink(link, entity.sendTarget, owner, () => this.options.faults.isServerBusy(entity.path));
    this.track(owner, link, sender, { onMessage: (context) => sender.onMessage(context), onClosed: () => sender.onClosed() });
  }

  // Client receiver attached: our end is a sender link. Sources: `$cbs`, `<entity>/$management`, a receivable entity.
  private clientReceiverAttached(link: Sender, connection: Connection): void {
    const owner = this.ownerOf(connection);
    const address = link.source?.address ?? '';
    if (address === '$cbs') {
      const reply = new ReplyLink(link, undefined);
      this.routes.set(link, { onClosed: () => reply.onClosed() });
      return;
    }
    if (MANAGEMENT_SUFFIX.test(address)) {
      const entity = this.options.store.resolve(address.replace(MANAGEMENT_SUFFIX, ''));
      if (!entity) return refuse(link, entityNotFound(`sb://${owner.hostName}/${address}`));
      const denied = owner.authorize(`${entity.path}/$management`, undefined);
      if (denied) return refuse(link, denied);
      const reply = new ReplyLink(link, owner);
      this.track(owner, link, reply, { onClosed: () => reply.onClosed() });
      return;
    }
    const entity = this.options.store.resolve(address);
    if (!entity) return refuse(link, entityNotFound(`sb://${owner.hostName}/${address}`));
    const queue = entity.queue;
    if (!queue) {
      return refuse(link, new BrokerError(AmqpConditions.notAllowed, `Cannot receive from topic '${entity.path}'; receive from one of its subscriptions.`));
    }
    const denied = owner.authorize(entity.path, 'Listen') ?? this.busy(entity.path);
    if (denied) return refuse(link, denied);

    const filter = link.source?.filter as Record<string, unknown> | undefined;
    const wantsSession = filter !== undefined && filter !== null && Object.prototype.hasOwnProperty.call(filter, SESSION_FILTER);
    if (!wantsSession && queue.settings.requiresSession) {
      return refuse(
        link,
        new BrokerError(AmqpConditions.notAllowed, `It is not possible for an entity that requires sessions to create a non-sessionful message receiver. Entity: '${entity.path}'.`),
      );
    }
    const receiver = new ReceiverLink(link, queue, owner);
    const route: RoutedLink = {
      onFlow: () => receiver.onFlow(),
      onDrain: () => receiver.onDrain(),
      onDisposition: (delivery, outcome) => receiver.onDisposition(delivery, outcome),
      onClosed: () => receiver.onClosed(),
    };
    if (!wantsSession) {
      link.set_source({ address });
      link.set_target({ address: link.target?.address ?? '' });
      this.track(owner, link, receiver, route);
      receiver.start();
      return;
    }
    const requested = filter[SESSION_FILTER];
    const sessionId = typeof requested === 'string' ? requested : undefined;
    if (sessionId === undefined && !queue.hasAvailableSession()) {
      this.waitForSession(link, owner, receiver, route);
      return;
    }
    this.acceptSession(link, owner, receiver, route, sessionId);
  }

  private acceptSession(link: Sender, owner: BrokerConnection, receiver: ReceiverLink, route: RoutedLink, sessionId: string | undefined): void {
    let session: { sessionId: string; lockedUntilMs: number };
    try {
      session = receiver.acceptSession(sessionId);
    } catch (error) {
      return refuse(link, error instanceof BrokerError ? error : new BrokerError(AmqpConditions.internalError, String(error)));
    }
    link.set_source({ address: link.source?.address ?? '', filter: { [SESSION_FILTER]: session.sessionId } });
    link.set_target({ address: link.target?.address ?? '' });
    // .NET ticks as an AMQP long; the client reads this property unconditionally.
    setLinkProperties(link, { 'com.microsoft:locked-until-utc': dotnetTicks(session.lockedUntilMs) });
    this.track(owner, link, receiver, route);
    receiver.start();
  }

  // Accept-next-session with nothing available: like Azure, answer the attach only when a session with messages
  // frees up, or refuse with com.microsoft:timeout once the client's own timeout (sent as a link property) is up.
  private waitForSession(link: Sender, owner: BrokerConnection, receiver: ReceiverLink, route: RoutedLink): void {
    const queue = receiver.queue;
    const requestedTimeout = (link.properties as Record<string, unknown> | undefined)?.['com.microsoft:timeout'];
    const timeoutInMs = typeof requestedTimeout === 'number' ? requestedTimeout : 60_000;
    holdAttach(link);
    let done = false;
    const finish = (then: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cancelWait();
      owner.removeLink(pending);
      this.routes.delete(link);
      releaseAttach(link);
      then();
    };
    const pending: LinkHandler = {
      address: receiver.address,
      requiredRight: 'Listen',
      revoke: (error) => finish(() => refuse(link, error)),
      onClosed: () => finish(() => undefined),
    };
    const timer = setTimeout(
      () => finish(() => refuse(link, new BrokerError(AmqpConditions.timeout, `No unlocked session with messages became available in ${timeoutInMs} ms.`))),
      timeoutInMs,
    );
    timer.unref();
    const cancelWait = queue.whenSessionAvailable(() => finish(() => this.acceptSession(link, owner, receiver, route, undefined)));
    owner.addLink(pending);
    this.routes.set(link, { onClosed: () => pending.onClosed() });
  }

  private track(owner: BrokerConnection, link: Link, handler: LinkHandler, route: RoutedLink): void {
    owner.addLink(handler);
    this.routes.set(link, route);
  }

  private busy(path: string): BrokerError | undefined {
    return this.options.faults.isServerBusy(path)
      ? new BrokerError(AmqpConditions.serverBusy, `The server is busy (fault injected). Please retry the operation. Resource: '${path}'.`)
      : undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) return JSON.stringify(error);
  return String(error);
}

// rhea already queued our attach when the *_open event fired, so closing here yields attach + detach(error):
// the refusal the AMQP spec prescribes. The terminus stays null, which marks the attach as refused.
function refuse(link: Link, error: BrokerError): void {
  link.close(error.toAmqpError());
}
