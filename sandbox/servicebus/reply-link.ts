import type { Connection, Message, Sender } from 'rhea';
import type { BrokerError } from './amqp-conditions.js';
import type { BrokerConnection, LinkHandler } from './broker-connection.js';
import { echoSettleModes } from './rhea-internals.js';
import { normalizePath } from './sas-verifier.js';

/**
 * The client's receiving half of a request/response pair (`$cbs` or `<entity>/$management`): an AMQP sender link
 * on our side that only carries replies.
 */
export class ReplyLink implements LinkHandler {
  readonly requiredRight = undefined;
  readonly address: string;

  constructor(
    private readonly link: Sender,
    private readonly owner: BrokerConnection | undefined,
  ) {
    const address = link.source?.address ?? '';
    this.address = normalizePath(address);
    link.set_source({ address });
    link.set_target({ address: link.target?.address ?? '' });
    echoSettleModes(link);
  }

  revoke(error: BrokerError): void {
    this.owner?.removeLink(this);
    this.link.close(error.toAmqpError());
  }

  onClosed(): void {
    this.owner?.removeLink(this);
  }
}

/**
 * Sends a response on the link the request named in `reply_to`. CBS replies must go to the link whose *name* is
 * `reply_to` (the client's CBS receiver has no target address); management receivers match either way.
 */
export function sendReply(connection: Connection, replyTo: unknown, response: Message): boolean {
  if (typeof replyTo !== 'string') return false;
  const link = connection.find_sender((sender: Sender) => sender.name === replyTo || sender.target?.address === replyTo);
  if (!link) return false;
  link.send(response);
  return true;
}
