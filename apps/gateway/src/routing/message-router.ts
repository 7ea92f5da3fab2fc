import { Inject, Injectable } from '@nestjs/common';
import type { SessionRecord } from '@sotto/contracts';
import type { Element, Jid } from '@sotto/xmpp';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import type { ActiveSession } from '../sessions/active-session';
import { SessionRegistry } from '../sessions/session-registry';
import { bounce } from './bounce';
import { Delivery } from './delivery.service';

/** RFC 6121 §8.5 message delivery rules for local users. */
@Injectable()
export class MessageRouter {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly delivery: Delivery,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  route(session: ActiveSession, message: Element, to: Jid): void {
    if (to.domain !== this.config.XMPP_DOMAIN) {
      // No server-to-server federation (yet): other domains are unreachable.
      bounce(session, message, 'remote-server-not-found', this.config.XMPP_DOMAIN);
      return;
    }
    if (to.local === undefined) {
      // Messages to the server itself: nothing here consumes them.
      bounce(session, message, 'service-unavailable', this.config.XMPP_DOMAIN);
      return;
    }
    const xml = message.toString();
    if (to.resource !== undefined) {
      this.toFullJid(session, message, xml, to);
    } else {
      this.toBareJid(session, message, xml, to.bareString());
    }
  }

  private toFullJid(session: ActiveSession, message: Element, xml: string, to: Jid): void {
    const bareJid = to.bareString();
    const target = this.registry.find(bareJid, to.resource ?? '');
    if (!target) {
      this.fullJidUnavailable(session, message, xml, bareJid);
      return;
    }
    void this.delivery.deliver(target, xml).then((delivered) => {
      if (!delivered) {
        this.fullJidUnavailable(session, message, xml, bareJid);
      }
    });
  }

  // RFC 6121 §8.5.3.2.1: a message to an unavailable resource goes to the bare JID when it is
  // chat or normal; groupchat bounces; headline and error are dropped.
  private fullJidUnavailable(session: ActiveSession, message: Element, xml: string, bareJid: string): void {
    const type = message.attrs.type ?? 'normal';
    if (type === 'chat' || type === 'normal') {
      this.toBareJid(session, message, xml, bareJid);
    } else if (type === 'groupchat') {
      bounce(session, message, 'service-unavailable', this.config.XMPP_DOMAIN);
    }
  }

  // RFC 6121 §8.5.2: chat and normal go to the highest-priority available resources, headline to
  // every available resource with non-negative priority; no resource means the error below
  // (the same for an unknown account, so the error does not reveal which accounts exist).
  private toBareJid(session: ActiveSession, message: Element, xml: string, bareJid: string): void {
    const type = message.attrs.type ?? 'normal';
    if (type === 'error') {
      return;
    }
    if (type === 'groupchat') {
      bounce(session, message, 'service-unavailable', this.config.XMPP_DOMAIN);
      return;
    }
    const available = this.registry
      .resourcesOf(bareJid)
      .filter((record) => record.available && record.priority >= 0);
    const targets = type === 'headline' ? available : highestPriority(available);
    if (targets.length === 0) {
      if (type !== 'headline') {
        bounce(session, message, 'service-unavailable', this.config.XMPP_DOMAIN);
      }
      return;
    }
    void Promise.all(targets.map((target) => this.delivery.deliver(target, xml))).then((results) => {
      if (!results.includes(true) && type !== 'headline') {
        bounce(session, message, 'service-unavailable', this.config.XMPP_DOMAIN);
      }
    });
  }
}

function highestPriority(records: SessionRecord[]): SessionRecord[] {
  const top = Math.max(...records.map((record) => record.priority));
  return records.filter((record) => record.priority === top);
}
