import { Inject, Injectable } from '@nestjs/common';
import { Jid, JidError, NS_CLIENT, StreamError, type Element } from '@sotto/xmpp';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import type { ActiveSession } from '../sessions/active-session';
import { bounce } from './bounce';
import { IqRouter } from './iq-router';
import { MessageRouter } from './message-router';
import { PresenceRouter } from './presence-router';

/**
 * Entry point for every stanza from a bound session: checks addressing, stamps `from`
 * (RFC 6120 §8.1.2.1), and hands the stanza to the router for its kind.
 */
@Injectable()
export class StanzaRouter {
  constructor(
    private readonly messages: MessageRouter,
    private readonly presences: PresenceRouter,
    private readonly iqs: IqRouter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Throws StreamError for what ends the stream; answers stanza errors itself. */
  async route(session: ActiveSession, stanza: Element): Promise<void> {
    if (stanza.xmlns !== NS_CLIENT || !['message', 'presence', 'iq'].includes(stanza.name)) {
      throw new StreamError('unsupported-stanza-type', `<${stanza.name}/> is not a stanza`);
    }
    const from = stanza.attrs.from;
    if (from !== undefined && from !== session.fullJid && from !== session.bareJid) {
      throw new StreamError('invalid-from');
    }
    stanza.attrs.from = session.fullJid;
    let to: Jid | undefined;
    if (stanza.attrs.to !== undefined) {
      try {
        to = Jid.parse(stanza.attrs.to);
      } catch (error) {
        if (!(error instanceof JidError)) {
          throw error;
        }
        // Answer from the domain: the malformed address cannot be an address.
        delete stanza.attrs.to;
        bounce(session, stanza, 'jid-malformed', this.config.XMPP_DOMAIN);
        return;
      }
      stanza.attrs.to = to.toString();
    }
    switch (stanza.name) {
      case 'message':
        // RFC 6120 §10.3.1: no 'to' means the user's own bare JID.
        this.messages.route(session, stanza, to ?? Jid.parse(session.bareJid));
        return;
      case 'presence':
        await this.presences.route(session, stanza, to);
        return;
      default:
        this.iqs.route(session, stanza, to);
    }
  }
}
