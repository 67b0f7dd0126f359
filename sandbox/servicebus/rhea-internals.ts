/**
 * Every place the broker reaches into rhea 3.0.x internals, in one file, each with the reason. rhea is built as
 * a client library; a few things a broker must put in its attach and flow frames have no public setter.
 * Pinned by package-lock; re-check these when upgrading rhea.
 */
import type { Delivery, Sender, link as Link } from 'rhea';

interface LinkInternals {
  local: { attach: { snd_settle_mode?: number; rcv_settle_mode?: number; max_message_size?: number; properties?: Record<string, unknown> } };
  remote: { attach?: { snd_settle_mode?: number; rcv_settle_mode?: number } };
}

interface SenderInternals {
  credit: number;
  delivery_count: number;
  _draining: boolean;
  _drained: boolean;
  _get_drain(): boolean;
  session: {
    outgoing: {
      next_pending_delivery: number;
      next_delivery_id: number;
      deliveries: { by_id(id: number): { link: unknown } | undefined };
      available(): number;
    };
  };
}

interface DeliveryInternals {
  remote_settled: boolean;
}

/**
 * Copies the settle modes the client asked for into our attach. rhea's server `Sender.send` presettles only when
 * its *local* `snd_settle_mode` is 1, which is how receive-and-delete deliveries go out settled.
 */
export function echoSettleModes(link: Link): void {
  const internals = link as unknown as LinkInternals;
  const remote = internals.remote.attach ?? {};
  if (remote.snd_settle_mode !== undefined) internals.local.attach.snd_settle_mode = remote.snd_settle_mode;
  if (remote.rcv_settle_mode !== undefined) internals.local.attach.rcv_settle_mode = remote.rcv_settle_mode;
}

/** Advertises the largest message the link accepts; the client sizes its batches from it. */
export function setMaxMessageSize(link: Link, bytes: number): void {
  (link as unknown as LinkInternals).local.attach.max_message_size = bytes;
}

/** Sets the properties of our attach (the session receiver requires `com.microsoft:locked-until-utc`). */
export function setLinkProperties(link: Link, properties: Record<string, unknown>): void {
  (link as unknown as LinkInternals).local.attach.properties = properties;
}

/**
 * Makes a drain request always answerable. rhea only puts `drain=true` on the flow while credit remains, but when
 * the client drains after its credit was just used up it still waits for a drained flow, and without one it
 * closes the link after a timeout. The replacement consumes whatever credit is left (possibly none) and says so.
 */
export function answerDrainEvenWithoutCredit(sender: Sender): void {
  const internals = sender as unknown as SenderInternals;
  internals._get_drain = function getDrain(this: SenderInternals): boolean {
    if (!this._draining || !this._drained) return false;
    this.delivery_count += this.credit;
    this.credit = 0;
    this._draining = false;
    return true;
  };
}

/**
 * How many more messages may be handed to `sender.send` right now. rhea decrements `credit` only when it writes a
 * transfer (on the next tick), so deliveries queued but not yet written are subtracted here; and the session's
 * outgoing buffer is bounded (rhea throws when it overflows).
 */
export function availableCredit(sender: Sender): number {
  const internals = sender as unknown as SenderInternals;
  const outgoing = internals.session.outgoing;
  let pending = 0;
  for (let id = outgoing.next_pending_delivery; id < outgoing.next_delivery_id; id++) {
    if (outgoing.deliveries.by_id(id)?.link === sender) pending++;
  }
  return Math.min(internals.credit - pending, outgoing.available());
}

/**
 * Lets rhea forget a delivery we have settled. With receiver-settle-mode `second` the Azure client never sends the
 * final settled disposition, so rhea would keep every peek-lock delivery in the session's outgoing buffer
 * (2048 entries) and the link would stall once it filled up.
 */
export function forgetSettledDelivery(delivery: Delivery): void {
  (delivery as unknown as DeliveryInternals).remote_settled = true;
}

interface AttachState {
  state: { open_requests: number };
  connection: { _register(): void };
}

/**
 * Holds back our attach reply. rhea answers an attach on the next tick after `*_open`, but Azure answers an
 * accept-next-session attach only once a session is free (or its timeout passes), and the client waits for that.
 * Must be called inside the `sender_open` handler; every held link must later get {@link releaseAttach}.
 */
export function holdAttach(link: Link): void {
  (link as unknown as AttachState).state.open_requests = 0;
}

/** Sends the attach reply held by {@link holdAttach} (with whatever terminus and properties are set by then). */
export function releaseAttach(link: Link): void {
  const internals = link as unknown as AttachState;
  internals.state.open_requests = 1;
  internals.connection._register();
}

/**
 * Runs a failing settlement after the dispositions already queued have been written. rhea coalesces the pending
 * dispositions of *adjacent* delivery ids into one frame, and for the first two it does so even when their
 * outcomes differ: an `accepted` and a `rejected` settled in the same tick can both go out as `accepted`.
 * Writing failures in a later turn keeps them out of a frame with successes.
 */
export function afterQueuedDispositions(action: () => void): void {
  setImmediate(action);
}
