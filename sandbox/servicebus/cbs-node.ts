import type { EventContext, Message, Receiver } from 'rhea';
import { wrapInt } from './amqp-codec.js';
import type { BrokerConnection } from './broker-connection.js';
import { echoSettleModes } from './rhea-internals.js';
import { sendReply } from './reply-link.js';
import type { SasVerifier } from './sas-verifier.js';

const SAS_TOKEN_TYPE = 'servicebus.windows.net:sastoken';

/**
 * The `$cbs` node on one connection: verifies `put-token` requests and records the claims they grant.
 * Replies use the kebab-case `status-code`/`status-description` keys CBS uses (management uses camelCase).
 */
export class CbsNode {
  constructor(
    link: Receiver,
    private readonly owner: BrokerConnection,
    private readonly verifier: SasVerifier,
    private readonly log: (line: string) => void,
  ) {
    link.set_target({ address: '$cbs' });
    link.set_source({ address: link.source?.address ?? '' });
    echoSettleModes(link);
  }

  /** A put-token request arrived. */
  onMessage(context: EventContext): void {
    context.delivery?.accept();
    const request = context.message!;
    const reply = this.handle(request);
    const response: Message = {
      correlation_id: request.message_id,
      application_properties: { 'status-code': wrapInt(reply.status), 'status-description': reply.description },
      body: undefined,
    };
    if (!sendReply(context.connection, request.reply_to, response)) {
      this.log(`cbs: no reply link named '${String(request.reply_to)}'; response dropped`);
    }
  }

  private handle(request: Message): { status: number; description: string } {
    const properties = request.application_properties ?? {};
    if (properties.operation !== 'put-token') {
      return { status: 400, description: `Unsupported CBS operation '${String(properties.operation)}'.` };
    }
    if (properties.type !== SAS_TOKEN_TYPE) {
      return { status: 401, description: `Token type '${String(properties.type)}' is not supported by the sandbox broker; use SAS tokens.` };
    }
    const audience = properties.name;
    const token: unknown = request.body;
    if (typeof audience !== 'string' || typeof token !== 'string') {
      return { status: 400, description: 'A put-token request needs a string `name` (audience) and a string body (the token).' };
    }
    const verification = this.verifier.verify(token, audience);
    if (!verification.ok) {
      this.log(`cbs: refused token for ${audience}: ${verification.description}`);
      return { status: 401, description: verification.description };
    }
    this.owner.addClaim(verification.claim);
    return { status: 202, description: 'Accepted' };
  }
}
