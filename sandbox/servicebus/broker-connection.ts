import type { Connection } from 'rhea';
import { AmqpConditions, BrokerError } from './amqp-conditions.js';
import type { AccessRight } from './entity-definitions.js';
import { normalizePath, pathCovers } from './sas-verifier.js';
import type { Claim } from './sas-verifier.js';

/** Broker-side handling of one attached link; the broker routes the link's rhea events to it. */
export interface LinkHandler {
  /** Normalized (lowercase) address the link is attached to. */
  readonly address: string;
  /** The right the link needs for as long as it stays attached; `undefined` means any right will do. */
  readonly requiredRight: AccessRight | undefined;
  /** The broker ends the link with an error (expired token, server busy, ...). */
  revoke(error: BrokerError): void;
  /** The client detached the link, or the connection went away. */
  onClosed(): void;
}

// setTimeout overflows past ~24.8 days; such tokens are re-checked on every attach anyway.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What the broker knows about one client connection: its CBS claims and its links. */
export class BrokerConnection {
  private claims: Claim[] = [];
  private readonly links = new Set<LinkHandler>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly connection: Connection,
    private readonly now: () => number,
  ) {}

  /** The host name the client named in its AMQP open frame; used in error descriptions, as Azure does. */
  get hostName(): string {
    return this.connection.hostname ?? 'localhost';
  }

  /** Records a verified put-token and schedules the re-check that ends links when it expires. */
  addClaim(claim: Claim): void {
    const now = this.now();
    this.claims = [...this.claims.filter((c) => c.expiresAtMs > now), claim];
    const delay = claim.expiresAtMs - now + 1;
    if (delay > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.revalidate();
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  /** Checks that an unexpired claim covers `address` with `right`; returns the error to refuse with otherwise. */
  authorize(address: string, right: AccessRight | undefined): BrokerError | undefined {
    const path = normalizePath(address);
    const now = this.now();
    const covering = this.claims.filter((claim) => claim.expiresAtMs > now && pathCovers(claim.path, path));
    if (covering.some((claim) => right === undefined || claim.rights.has(right))) return undefined;
    const resource = `sb://${this.hostName}/${path}`;
    if (covering.length === 0 && this.claims.some((claim) => pathCovers(claim.path, path))) {
      return new BrokerError(AmqpConditions.unauthorizedAccess, `ExpiredToken: The token for '${resource}' has expired; put a new token on $cbs.`);
    }
    return new BrokerError(
      AmqpConditions.unauthorizedAccess,
      `Unauthorized access. '${right ?? 'Send, Listen or Manage'}' claim(s) are required to perform this operation. Resource: '${resource}'.`,
    );
  }

  /** Tracks a link so that token expiry and connection loss reach it. */
  addLink(handler: LinkHandler): void {
    this.links.add(handler);
  }

  /** Stops tracking a link. */
  removeLink(handler: LinkHandler): void {
    this.links.delete(handler);
  }

  /** Links currently attached. */
  allLinks(): LinkHandler[] {
    return [...this.links];
  }

  /** Ends every link whose claims no longer cover it (called when a token expires). */
  revalidate(): void {
    for (const handler of [...this.links]) {
      const error = this.authorize(handler.address, handler.requiredRight);
      if (error) {
        this.links.delete(handler);
        handler.revoke(error);
      }
    }
  }

  /** The connection is gone: release everything its links held. Safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const handler of [...this.links]) handler.onClosed();
    this.links.clear();
  }
}
