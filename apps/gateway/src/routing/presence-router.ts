import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { SessionRecord } from '@sotto/contracts';
import { xml, type Element, type Jid } from '@sotto/xmpp';
import { EntityCaps } from '../caps/entity-caps';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { FeatureRegistry } from '../features/feature-registry';
import { OfflineDelivery } from '../messages/offline-delivery';
import { ContactPresence } from '../presence/contact-presence';
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
    // A session that died with its gateway still has to look unavailable to its siblings and
    // subscribers.
    this.registry.onReap((record) => {
      if (record.available) {
        this.wentUnavailable(bareOf(record.jid), unavailableFrom(record.jid), record.jid);
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
    }
  }

  /** The session ended: siblings and subscribers see it go unavailable. */
  sessionEnded(session: ActiveSession): void {
    if (session.record.available) {
      this.wentUnavailable(session.bareJid, unavailableFrom(session.fullJid), session.fullJid);
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
    await session.setPresence({ available: false, priority: 0 });
    const payload = presence.toString();
    this.toOwnResources(session.bareJid, payload, session.fullJid, session.record);
    await this.contacts.unavailable(session.bareJid, payload);
  }

  // A session that ended without saying so (disconnect, dead gateway): siblings and subscribers
  // see it go unavailable; the roster question runs in the background, and never rejects.
  private wentUnavailable(bareJid: string, payload: string, fullJid: string): void {
    this.toOwnResources(bareJid, payload, fullJid);
    void this.contacts.unavailable(bareJid, payload);
  }

  // RFC 6121 §4.6: directed presence goes to the full JID, or to every available resource.
  private directed(presence: Element, to: Jid): void {
    if (to.domain !== this.config.XMPP_DOMAIN || to.local === undefined) {
      return;
    }
    const bareJid = to.bareString();
    const targets: SessionRecord[] = to.resource
      ? [this.registry.find(bareJid, to.resource)].filter((r): r is SessionRecord => !!r)
      : this.registry.resourcesOf(bareJid).filter((record) => record.available);
    const payload = presence.toString();
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

function bareOf(fullJid: string): string {
  return fullJid.slice(0, fullJid.indexOf('/'));
}

function unavailableFrom(fullJid: string): string {
  return xml('presence', { xmlns: 'jabber:client', type: 'unavailable', from: fullJid }).toString();
}
