import { Inject, Injectable, Logger } from '@nestjs/common';
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
  private readonly logger = new Logger('routing');

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
    const routed =
      to.resource !== undefined
        ? this.toFullJid(session, message, xml, to)
        : this.toBareJid(session, message, xml, to.bareString());
    // Delivery goes on in the background so the sender's next stanza is not held up; a failure
    // of the bus here must not go unnoticed.
    routed.catch((error: unknown) => {
      this.logger.warn(
        `message routing failed: ${error instanceof Error ? error.name : typeof error}`,
      );
      bounce(session, message, 'internal-server-error', this.config.XMPP_DOMAIN);
    });
  }

  private async toFullJid(
    session: ActiveSession,
    message: Element,
    xml: string,
    to: Jid,
  ): Promise<void> {
    const bareJid = to.bareString();
    const resource = to.resource ?? '';
    let target = this.registry.find(bareJid, resource);
    if (!target) {
      await this.registry.refresh(bareJid);
      target = this.registry.find(bareJid, resource);
    }
    if (!target || !(await this.delivery.deliver(target, xml))) {
      await this.fullJidUnavailable(session, message, xml, bareJid);
    }
  }

  // RFC 6121 §8.5.3.2.1: a message to an unavailable resource goes to the bare JID when it is
  // chat or normal; groupchat bounces; headline and error are dropped.
  private async fullJidUnavailable(
    session: ActiveSession,
    message: Element,
    xml: string,
    bareJid: string,
  ): Promise<void> {
    const type = message.attrs.type ?? 'normal';
    if (type === 'chat' || type === 'normal') {
      await this.toBareJid(session, message, xml, bareJid);
    } else if (type === 'groupchat') {
      bounce(session, message, 'service-unavailable', this.config.XMPP_DOMAIN);
    }
  }

  // RFC 6121 §8.5.2: chat and normal go to the highest-priority available resources, headline to
  // every available resource with non-negative priority; no resource means the error below
  // (the same for an unknown account, so the error does not reveal which accounts exist).
  private async toBareJid(
    session: ActiveSession,
    message: Element,
    xml: string,
    bareJid: string,
  ): Promise<void> {
    const type = message.attrs.type ?? 'normal';
    if (type === 'error') {
      return;
    }
    if (type === 'groupchat') {
      bounce(session, message, 'service-unavailable', this.config.XMPP_DOMAIN);
      return;
    }
    let targets = this.targets(bareJid, type);
    if (targets.length === 0) {
      await this.registry.refresh(bareJid);
      targets = this.targets(bareJid, type);
    }
    const results = await Promise.all(targets.map((target) => this.delivery.deliver(target, xml)));
    if (!results.includes(true) && type !== 'headline') {
      bounce(session, message, 'service-unavailable', this.config.XMPP_DOMAIN);
    }
  }

  private targets(bareJid: string, type: string): SessionRecord[] {
    const available = this.registry
      .resourcesOf(bareJid)
      .filter((record) => record.available && record.priority >= 0);
    return type === 'headline' ? available : highestPriority(available);
  }
}

function highestPriority(records: SessionRecord[]): SessionRecord[] {
  const top = Math.max(...records.map((record) => record.priority));
  return records.filter((record) => record.priority === top);
}
