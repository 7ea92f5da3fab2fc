import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SessionRecord } from '@sotto/contracts';
import { RpcError } from '@sotto/nats';
import {
  NS_CLIENT,
  StreamError,
  parseFrame,
  type Element,
  type Jid,
  type StanzaErrorCondition,
} from '@sotto/xmpp';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { bounce } from '../routing/bounce';
import { Delivery } from '../routing/delivery.service';
import type { BoundSession } from '../sessions/local-sessions';
import { SessionRegistry } from '../sessions/session-registry';
import { RosterLink } from './roster-link';

// Stored requests come from the roster service, which serialised them; this guards the parser.
const REQUEST_LIMITS = { maxStanzaBytes: 65_536, maxDepth: 16 };

/**
 * The part of RFC 6121 presence that follows from subscriptions (§3, §4.2–§4.5), with the roster
 * service's answers and the session replica: contacts' resources get the user's broadcast, a
 * new session learns its contacts' presence and the requests waiting for it, and subscription
 * presence goes to the roster service.
 */
@Injectable()
export class ContactPresence {
  private readonly logger = new Logger('contact-presence');

  constructor(
    private readonly registry: SessionRegistry,
    private readonly delivery: Delivery,
    private readonly roster: RosterLink,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * The user's available presence `payload` goes to the subscribers' available resources; on
   * initial presence `session` also receives the presence of its subscriptions' available
   * resources (§4.2.2, the replica answering for them) and the requests still unanswered (§3.1.3).
   */
  async available(session: BoundSession, payload: string, initial: boolean): Promise<void> {
    const targets = await this.roster.targets(session.bareJid);
    if (!targets) {
      return;
    }
    this.toAvailable(targets.subscribers, payload);
    if (!initial) {
      return;
    }
    for (const contact of targets.subscriptions) {
      for (const record of this.availableResources(contact)) {
        if (record.presence) {
          session.deliver(record.presence);
        }
      }
    }
    for (const request of targets.pendingIn) {
      const stanza = request.stanza && checkedRequest(request.stanza);
      if (stanza) {
        session.deliver(stanza);
      }
    }
  }

  /**
   * The user's unavailable presence `payload` goes to the subscribers' available resources.
   * Returns the subscribers (whom the broadcast covers), or undefined when the roster service did
   * not answer. Never rejects.
   */
  async unavailable(bareJid: string, payload: string): Promise<readonly string[] | undefined> {
    const targets = await this.roster.targets(bareJid);
    if (targets) {
      this.toAvailable(targets.subscribers, payload);
    }
    return targets?.subscribers;
  }

  /** subscribe, subscribed, unsubscribe, unsubscribed to `to`: the roster service's work. */
  async subscription(session: BoundSession, presence: Element, to: Jid): Promise<void> {
    const domain = this.config.XMPP_DOMAIN;
    if (to.domain !== domain) {
      // No server-to-server federation (yet).
      bounce(session, presence, 'remote-server-not-found', domain);
      return;
    }
    if (to.local === undefined) {
      bounce(session, presence, 'service-unavailable', domain);
      return;
    }
    // RFC 6121 §3.1.2: subscriptions are between bare JIDs.
    presence.attrs.to = to.bareString();
    try {
      await this.roster.subscriptionOut(session.fullJid, presence.toString());
    } catch (error) {
      const condition = conditionOf(error);
      if (condition !== 'bad-request') {
        this.logger.warn(`subscription presence not handled: ${describe(error)}`);
      }
      bounce(session, presence, condition, domain);
    }
  }

  private toAvailable(bareJids: readonly string[], payload: string): void {
    for (const bareJid of bareJids) {
      for (const record of this.availableResources(bareJid)) {
        void this.delivery.deliver(record, payload);
      }
    }
  }

  private availableResources(bareJid: string): SessionRecord[] {
    return this.registry.resourcesOf(bareJid).filter((record) => record.available);
  }
}

function conditionOf(error: unknown): StanzaErrorCondition {
  if (!(error instanceof RpcError)) {
    return 'internal-server-error';
  }
  switch (error.code) {
    case 'bad-request':
      return 'bad-request';
    case 'forbidden':
      return 'not-allowed';
    case 'not-found':
      return 'item-not-found';
    case 'unavailable':
      return 'service-unavailable';
    case 'conflict':
    case 'internal':
    case 'timeout':
      return 'internal-server-error';
  }
}

function describe(error: unknown): string {
  if (error instanceof RpcError) {
    return error.code;
  }
  return error instanceof Error ? error.name : typeof error;
}

// A waiting request is delivered only if it is what it claims to be.
function checkedRequest(stanza: string): string | undefined {
  try {
    const presence = parseFrame(stanza, REQUEST_LIMITS);
    const valid =
      presence.name === 'presence' &&
      presence.xmlns === NS_CLIENT &&
      presence.attrs.type === 'subscribe';
    return valid ? stanza : undefined;
  } catch (error) {
    if (error instanceof StreamError) {
      return undefined;
    }
    throw error;
  }
}
