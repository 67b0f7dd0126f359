import { normalizePath, pathCovers } from './sas-verifier.js';

/** What fault injection needs from the running emulator. */
export interface FaultHooks {
  /** Drops every client connection; `graceful` sends `amqp:connection:forced` first. Returns how many. */
  dropConnections(graceful: boolean): number;
  /** Detaches entity links (all, or those of one entity) with `com.microsoft:server-busy`. Returns how many. */
  detachServerBusy(entityPath: string | undefined): number;
  /** Expires message and session locks (all, or one entity's). Returns how many locks were broken. */
  expireLocks(entityPath: string | undefined): number;
}

/** Options of {@link Faults.dropConnections}. */
export interface DropConnectionsOptions {
  /** Close with `amqp:connection:forced` before cutting the socket, instead of cutting it outright. */
  graceful?: boolean;
}

/** Options of {@link Faults.refuseConnections}. */
export interface RefuseConnectionsOptions {
  /** How long new TCP, TLS and WebSocket connections are cut as soon as they arrive. */
  durationInMs: number;
}

/** Options of {@link Faults.serverBusy}. */
export interface ServerBusyOptions {
  /** Limit to one entity (and its sub-queues and subscriptions); default every entity. */
  entityPath?: string;
  /** Also refuse new attaches, sends and management requests with `server-busy` for this long; default 0. */
  durationInMs?: number;
}

/** Options of {@link Faults.expireLocks}. */
export interface ExpireLocksOptions {
  /** Limit to one entity (and its sub-queues and subscriptions); default every entity. */
  entityPath?: string;
}

/** Fault injection on a running emulator; also reachable over the admin HTTP interface. */
export class Faults {
  private refuseUntilMs = 0;
  private busy: Array<{ path: string | undefined; untilMs: number }> = [];

  constructor(
    private readonly hooks: FaultHooks,
    private readonly now: () => number = Date.now,
  ) {}

  /** Drops every open client connection. Returns how many were dropped. */
  dropConnections(options: DropConnectionsOptions = {}): number {
    return this.hooks.dropConnections(options.graceful ?? false);
  }

  /** Cuts every new connection for a while (the client sees the socket close right after connecting). */
  refuseConnections(options: RefuseConnectionsOptions): void {
    this.refuseUntilMs = Math.max(this.refuseUntilMs, this.now() + options.durationInMs);
  }

  /** Detaches entity links with `com.microsoft:server-busy`; optionally stays busy for a while. Returns links detached. */
  serverBusy(options: ServerBusyOptions = {}): number {
    const path = options.entityPath === undefined ? undefined : normalizePath(options.entityPath);
    if (options.durationInMs && options.durationInMs > 0) this.busy.push({ path, untilMs: this.now() + options.durationInMs });
    return this.hooks.detachServerBusy(path);
  }

  /** Makes every current lock expire now, as if the lock duration had passed. Returns how many locks were broken. */
  expireLocks(options: ExpireLocksOptions = {}): number {
    return this.hooks.expireLocks(options.entityPath === undefined ? undefined : normalizePath(options.entityPath));
  }

  /** Ends every active fault window. */
  reset(): void {
    this.refuseUntilMs = 0;
    this.busy = [];
  }

  /** Whether new connections are being refused right now. */
  isRefusingConnections(): boolean {
    return this.now() < this.refuseUntilMs;
  }

  /** Whether an entity (normalized path of any of its addresses) is inside a server-busy window. */
  isServerBusy(path: string): boolean {
    const now = this.now();
    this.busy = this.busy.filter((window) => window.untilMs > now);
    return this.busy.some((window) => window.path === undefined || pathCovers(window.path, normalizePath(path)));
  }
}

/** Whether a fault aimed at `entityPath` (or everything, when undefined) applies to `address`. */
export function faultApplies(entityPath: string | undefined, address: string): boolean {
  return entityPath === undefined || pathCovers(normalizePath(entityPath), normalizePath(address));
}
