import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { SessionRecord } from '@sotto/contracts';
import { xml, type Element, type Jid } from '@sotto/xmpp';
import { EntityCaps } from '../caps/entity-caps';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { FeatureRegistry } from '../features/feature-registry';
import { OfflineDelivery } from '../messages/offline-delivery';
import { ContactPresence } from '../presence/contact-presence';
import { bareOf, notCovered, withDirected, withoutDirected } from '../presence/directed-presence';
import type { ActiveSession } from '../sessions/active-session';
import { SessionRegistry } from '../sessions/session-registry';
import { bounce } from './bounce';
import { Delivery } from './delivery.service';

const PRESENCE_TYPES = new Set([
  'unavailable',
  'subscribe',
  'subscribed',
  'unsubscribe',
  'unsubscribed',
  'probe',
  'error',
]);
const SUBSCRIPTION_TYPES = new Set(['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed']);

/**
 * RFC 6121 presence: the user's own broadcast (kept in the shared session table and sent to the
 * user's other resources) and directed presence. What depends on subscriptions (contacts'
 * broadcast, subscription requests) is `ContactPresence`'s, with the roster service.
 */
@Injectable()
export class PresenceRouter implements OnModuleInit {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly delivery: Delivery,
    private readonly contacts: ContactPresence,
    private readonly offline: OfflineDelivery,
    private readonly features: FeatureRegistry,
    private readonly caps: EntityCaps,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    // A session that died with its gateway still has to look unavailable to its siblings, its
    // subscribers and where it sent directed presence (kept in its record for this).
    this.registry.onReap((record) => {
      if (record.available) {
        this.wentUnavailable(record.jid, record.directedTo);
      }
    });
  }

  async route(session: ActiveSession, presence: Element, to: Jid | undefined): Promise<void> {
    const type = presence.attrs.type;
    if (type !== undefined && !PRESENCE_TYPES.has(type)) {
      bounce(session, presence, 'bad-request', this.config.XMPP_DOMAIN, 'unknown presence type');
      return;
    }
    if (to !== undefined && this.features.componentAt(to.domain) !== undefined) {
      // A component of ours (`pubsub.<domain>`) takes no presence: ignored, never bounced.
      return;
    }
    if (to === undefined) {
      if (type === undefined) {
        await this.available(session, presence);
      } else if (type === 'unavailable') {
        await this.unavailable(session, presence);
      } else if (SUBSCRIPTION_TYPES.has(type)) {
        bounce(
          session,
          presence,
          'bad-request',
          this.config.XMPP_DOMAIN,
          'a subscription needs a to',
        );
      }
      return;
    }
    if (SUBSCRIPTION_TYPES.has(type ?? '')) {
      await this.contacts.subscription(session, presence, to);
    } else if (type !== 'probe') {
      // Probes are the server's business (RFC 6121 §4.3): one from a client is ignored.
      this.directed(presence, to);
      await this.rememberDirected(session, to, type);
    }
  }

  /** The session ended: siblings, subscribers and directed-presence recipients see it go. */
  sessionEnded(session: ActiveSession): void {
    if (session.record.available) {
      this.wentUnavailable(session.fullJid, session.record.directedTo);
    }
  }

  private async available(session: ActiveSession, presence: Element): Promise<void> {
    const priorityText = presence.getChildText('priority');
    const priority = priorityText === undefined ? 0 : Number(priorityText.trim());
    if (!Number.isInteger(priority) || priority < -128 || priority > 127) {
      bounce(
        session,
        presence,
        'bad-request',
        this.config.XMPP_DOMAIN,
        'priority must be -128..127',
      );
      return;
    }
    const initial = !session.record.available;
    // XEP-0160 §2: stored messages go to a resource once it is available with priority >= 0.
    const receivesStored = priority >= 0 && (initial || session.record.priority < 0);
    const presenceXml = presence.toString();
    await session.setPresence({ available: true, priority, presence: presenceXml });
    // RFC 6121 §4.2.2: the broadcast reaches every available resource, the sender included, and a
    // newly available resource learns the presence of its siblings.
    this.toOwnResources(session.bareJid, presenceXml, undefined, session.record);
    if (initial) {
      for (const sibling of this.registry.resourcesOf(session.bareJid)) {
        if (sibling.jid !== session.fullJid && sibling.available && sibling.presence) {
          session.deliver(sibling.presence);
        }
      }
    }
    await this.contacts.available(session, presenceXml, initial);
    await this.caps.available(session, presence, initial);
    if (receivesStored) {
      this.offline.deliverStored(session);
    }
  }

  private async unavailable(session: ActiveSession, presence: Element): Promise<void> {
    if (!session.record.available) {
      return;
    }
    const directedTo = session.record.directedTo ?? [];
    // Clears the directed-presence list too: a new initial presence starts a new one.
    await session.setPresence({ available: false, priority: 0 });
    const payload = presence.toString();
    this.toOwnResources(session.bareJid, payload, session.fullJid, session.record);
    const subscribers = await this.contacts.unavailable(session.bareJid, payload);
    for (const to of notCovered(directedTo, subscribers)) {
      presence.attrs.to = to;
      this.directedTo(to, presence.toString());
    }
  }

  // A session that ended without saying so (disconnect, dead gateway): siblings, subscribers
  // and directed-presence recipients see it go unavailable; the roster question runs in the
  // background, and never rejects.
  private wentUnavailable(fullJid: string, directedTo: readonly string[] = []): void {
    const bareJid = bareOf(fullJid);
    const payload = unavailableFrom(fullJid);
    this.toOwnResources(bareJid, payload, fullJid);
    void this.contacts.unavailable(bareJid, payload).then((subscribers) => {
      for (const to of notCovered(directedTo, subscribers)) {
        this.directedTo(to, unavailableFrom(fullJid, to));
      }
    });
  }

  /**
   * RFC 6121 §4.6.3: directed available presence from an available resource is remembered, so
   * that the recipient learns when the resource goes; directed unavailable presence forgets it.
   * The user's own resources are left out: the broadcast always reaches them.
   */
  private async rememberDirected(
    session: ActiveSession,
    to: Jid,
    type: string | undefined,
  ): Promise<void> {
    if (
      to.domain !== this.config.XMPP_DOMAIN ||
      to.local === undefined ||
      to.bareString() === session.bareJid ||
      (type !== undefined && type !== 'unavailable')
    ) {
      return;
    }
    const list: readonly string[] = session.record.directedTo ?? [];
    let next = list;
    if (type === 'unavailable') {
      next = withoutDirected(list, to.toString());
    } else if (session.record.available) {
      next = withDirected(list, to.toString());
    }
    // One only adds, the other only removes: a change shows in the length.
    if (next.length !== list.length) {
      await session.setDirectedTo(next);
    }
  }

  // RFC 6121 §4.6: directed presence goes to the full JID, or to every available resource.
  private directed(presence: Element, to: Jid): void {
    if (to.domain !== this.config.XMPP_DOMAIN || to.local === undefined) {
      return;
    }
    this.directedTo(to.toString(), presence.toString());
  }

  // `to`: a JID of this domain with a local part, full or bare.
  private directedTo(to: string, payload: string): void {
    const bareJid = bareOf(to);
    const resource = to.length > bareJid.length ? to.slice(bareJid.length + 1) : undefined;
    const targets: SessionRecord[] = resource
      ? [this.registry.find(bareJid, resource)].filter((r): r is SessionRecord => !!r)
      : this.registry.resourcesOf(bareJid).filter((record) => record.available);
    for (const target of targets) {
      void this.delivery.deliver(target, payload);
    }
  }

  /**
   * Sends `payload` to the user's available resources, except the full JID `except`; `origin` is
   * the sender's new state, which the siblings' gateways learn with it.
   */
  private toOwnResources(
    bareJid: string,
    payload: string,
    except?: string,
    origin?: SessionRecord,
  ): void {
    for (const record of this.registry.resourcesOf(bareJid)) {
      if (record.available && record.jid !== except) {
        void this.delivery.deliver(record, payload, origin);
      }
    }
  }
}

function unavailableFrom(fullJid: string, to?: string): string {
  return xml('presence', {
    xmlns: 'jabber:client',
    type: 'unavailable',
    from: fullJid,
    to,
  }).toString();
}
