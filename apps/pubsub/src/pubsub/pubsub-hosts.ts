import { Inject, Injectable } from '@nestjs/common';
import { Jid } from '@sotto/xmpp';
import type { IqContext } from '@sotto/xmpp-service';
import { PUBSUB_CONFIG, type PubsubConfig } from '../config/pubsub.config';
import type { PubsubHost } from './pubsub-host';
import { PubsubErrorCode, PubsubException } from './pubsub.exception';

/** Which service an IQ addresses: the shared one on the sub-domain, or an account's PEP. */
@Injectable()
export class PubsubHosts {
  /** The shared service's JID, `<PUBSUB_SUBDOMAIN>.<XMPP_DOMAIN>`. */
  readonly componentJid: string;

  constructor(
    @Inject(PUBSUB_CONFIG) config: Pick<PubsubConfig, 'XMPP_DOMAIN' | 'PUBSUB_SUBDOMAIN'>,
  ) {
    this.componentJid = `${config.PUBSUB_SUBDOMAIN}.${Jid.parse(config.XMPP_DOMAIN).domain}`;
  }

  /**
   * The host of an IQ: the shared service for the sub-domain itself (not a JID under it), the
   * sender's own PEP service without `to`, another account's for its bare JID. The server's
   * own JID hosts no nodes.
   */
  of(context: Pick<IqContext, 'iq' | 'to' | 'from' | 'component'>): PubsubHost {
    const { to, component } = context;
    if (component !== undefined) {
      if (to === undefined || to.local !== undefined || to.resource !== undefined) {
        throw new PubsubException(PubsubErrorCode.ServiceUnavailable);
      }
      return { jid: this.componentJid, pep: false };
    }
    if (to === undefined) {
      if (context.iq.attrs.to !== undefined) {
        throw new PubsubException(PubsubErrorCode.ServiceUnavailable);
      }
      return { jid: context.from.bareString(), pep: true };
    }
    return { jid: to.bareString(), pep: true };
  }
}
