import { Inject, Injectable } from '@nestjs/common';
import { StanzaError, errorReply, type Element, type Jid } from '@sotto/xmpp';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { ServerIqHandler } from '../iq/server-iq.handler';
import type { ActiveSession } from '../sessions/active-session';
import { SessionRegistry } from '../sessions/session-registry';
import { bounce } from './bounce';
import { Delivery } from './delivery.service';

const IQ_TYPES = new Set(['get', 'set', 'result', 'error']);

/** RFC 6120 §8.2.3 / RFC 6121 §8.5: every get/set IQ gets exactly one answer. */
@Injectable()
export class IqRouter {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly delivery: Delivery,
    private readonly serverIq: ServerIqHandler,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  route(session: ActiveSession, iq: Element, to: Jid | undefined): void {
    const type = iq.attrs.type ?? '';
    const domain = this.config.XMPP_DOMAIN;
    if (!IQ_TYPES.has(type) || iq.attrs.id === undefined) {
      bounce(session, iq, 'bad-request', domain, 'an IQ needs an id and a type');
      return;
    }
    const request = type === 'get' || type === 'set';
    const payloads = iq.getChildElements();
    if (request && payloads.length !== 1) {
      bounce(session, iq, 'bad-request', domain, 'a get or set IQ has exactly one child');
      return;
    }
    const toServer =
      to === undefined ||
      (to.local === undefined && to.resource === undefined && to.domain === domain);
    const toOwnAccount =
      to !== undefined && to.resource === undefined && to.bareString() === session.bareJid;
    if (toServer || toOwnAccount) {
      if (request) {
        this.answer(session, iq, payloads[0], toOwnAccount);
      }
      // Results and errors addressed to the server answer nothing the gateway asked: dropped.
      return;
    }
    if (to.domain !== domain) {
      if (request) {
        bounce(session, iq, 'remote-server-not-found', domain);
      }
      return;
    }
    if (to.resource === undefined || to.local === undefined) {
      // Another user's bare JID (handled on their behalf) or a resource of the domain: nothing
      // here serves these yet.
      if (request) {
        bounce(session, iq, 'service-unavailable', domain);
      }
      return;
    }
    void this.toFullJid(session, iq, to.bareString(), to.resource, request);
  }

  private async toFullJid(
    session: ActiveSession,
    iq: Element,
    bareJid: string,
    resource: string,
    request: boolean,
  ): Promise<void> {
    let target = this.registry.find(bareJid, resource);
    if (!target) {
      await this.registry.refresh(bareJid).catch(() => undefined);
      target = this.registry.find(bareJid, resource);
    }
    const delivered = target !== undefined && (await this.delivery.deliver(target, iq.toString()));
    if (!delivered && request) {
      bounce(session, iq, 'service-unavailable', this.config.XMPP_DOMAIN);
    }
  }

  private answer(session: ActiveSession, iq: Element, payload: Element, toAccount: boolean): void {
    let reply: Element;
    try {
      reply = this.serverIq.handle(iq, payload, toAccount);
    } catch (error) {
      if (!(error instanceof StanzaError)) {
        throw error;
      }
      reply = errorReply(iq, error, iq.attrs.to ?? this.config.XMPP_DOMAIN);
    }
    session.deliver(reply.toString());
  }
}
