import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChatMessageEvent, SessionRecord } from '@sotto/contracts';
import { NatsClient, RpcError } from '@sotto/nats';
import { xml, type Element, type Jid } from '@sotto/xmpp';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { FeatureRegistry } from '../features/feature-registry';
import { MessageStream } from '../messages/message-stream';
import { uuid7 } from '../messages/uuid7';
import type { ActiveSession } from '../sessions/active-session';
import { SessionRegistry } from '../sessions/session-registry';
import { bounce } from './bounce';
import { Delivery } from './delivery.service';

const NS_SID = 'urn:xmpp:sid:0';

interface Plan {
  event: ChatMessageEvent;
  targets: SessionRecord[];
  /** Resolves once JetStream stored the message: only then is it accepted and delivered. */
  stored: Promise<void>;
}

/**
 * RFC 6121 §8.5 message delivery for local users. Chat and normal messages are accepted into
 * the durable messages stream (archive, inbox) before delivery, carry a XEP-0359 stanza-id, and
 * go to offline storage when no resource takes them.
 */
@Injectable()
export class MessageRouter {
  private readonly logger = new Logger('routing');
  private readonly ordering = new WeakMap<ActiveSession, Promise<void>>();

  constructor(
    private readonly registry: SessionRegistry,
    private readonly delivery: Delivery,
    private readonly stream: MessageStream,
    private readonly nats: NatsClient,
    private readonly features: FeatureRegistry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  route(session: ActiveSession, message: Element, to: Jid): void {
    const domain = this.config.XMPP_DOMAIN;
    if (to.domain !== domain) {
      // A component of ours (`pubsub.<domain>`) takes no messages; no server-to-server
      // federation (yet): other domains are unreachable.
      const component = this.features.componentAt(to.domain) !== undefined;
      bounce(
        session,
        message,
        component ? 'service-unavailable' : 'remote-server-not-found',
        domain,
      );
      return;
    }
    if (to.local === undefined) {
      // Messages to the server itself: nothing here consumes them.
      bounce(session, message, 'service-unavailable', domain);
      return;
    }
    // RFC 6120 §10.1: a session's messages keep their order. The decisions that may wait (a
    // table read, an account lookup) run one message after another per session, up to the
    // publication into the stream; delivery then goes on in the background, in the same order,
    // so the sender's next stanza is not held up. A failure of the bus must not go unnoticed.
    const previous = this.ordering.get(session) ?? Promise.resolve();
    const planned = previous.then(() => this.plan(session, message, to));
    this.ordering.set(
      session,
      planned.then(
        () => undefined,
        () => undefined,
      ),
    );
    planned
      .then((plan) => (plan ? this.deliverAccepted(session, message, plan) : undefined))
      .catch((error: unknown) => {
        this.logger.warn(
          `message routing failed: ${error instanceof Error ? error.name : typeof error}`,
        );
        bounce(session, message, 'internal-server-error', domain);
      });
  }

  /**
   * Decides where a message goes; for a chat or normal message it also starts its publication
   * into the stream (awaited before delivery). Undefined when nothing more is to be done.
   */
  private async plan(session: ActiveSession, message: Element, to: Jid): Promise<Plan | undefined> {
    const domain = this.config.XMPP_DOMAIN;
    const type = message.attrs.type ?? 'normal';
    if (type === 'groupchat') {
      bounce(session, message, 'service-unavailable', domain);
      return undefined;
    }
    const bareJid = to.bareString();
    let targets = this.targets(bareJid, to.resource, type);
    if (targets.length === 0) {
      await this.registry.refresh(bareJid);
      targets = this.targets(bareJid, to.resource, type);
    }
    if (type === 'headline' || type === 'error') {
      // Neither stored nor archived, and never answered with an error (RFC 6121 §8.5.2).
      const xml = message.toString();
      targets.forEach((target) => void this.delivery.deliver(target, xml));
      return undefined;
    }
    if (targets.length === 0 && !(await this.accountActive(session, message, bareJid))) {
      return undefined;
    }
    const event = this.accept(session, message, to, bareJid);
    return { event, targets, stored: this.stream.accepted(event) };
  }

  private async deliverAccepted(
    session: ActiveSession,
    message: Element,
    plan: Plan,
  ): Promise<void> {
    try {
      await plan.stored;
    } catch (error) {
      this.logger.error(`message not accepted, the stream refused it: ${(error as Error).name}`);
      bounce(session, message, 'internal-server-error', this.config.XMPP_DOMAIN, 'try again later');
      return;
    }
    const results = await Promise.all(
      plan.targets.map((target) => this.delivery.deliver(target, plan.event.stanza)),
    );
    if (!results.includes(true)) {
      await this.stream.undelivered(plan.event);
    }
  }

  /**
   * RFC 6121 §8.5: a full JID that is bound gets the message; otherwise chat and normal go to
   * the bare JID, whose highest-priority available resources get it (headline: all of them).
   */
  private targets(bareJid: string, resource: string | undefined, type: string): SessionRecord[] {
    if (resource !== undefined) {
      const bound = this.registry.find(bareJid, resource);
      if (bound) {
        return [bound];
      }
      if (type !== 'chat' && type !== 'normal') {
        return [];
      }
    }
    const available = this.registry
      .resourcesOf(bareJid)
      .filter((record) => record.available && record.priority >= 0);
    if (type === 'headline') {
      return available;
    }
    const top = Math.max(...available.map((record) => record.priority));
    return available.filter((record) => record.priority === top);
  }

  // Only on the path where nobody is online: an unknown account gets the same error as an
  // unavailable one would without offline storage, so the error reveals nothing. So does an
  // account whose erasure has begun: a message accepted for it now would be archived or stored
  // after the services' forgets may have run, and outlive the erasure.
  private async accountActive(
    session: ActiveSession,
    message: Element,
    bareJid: string,
  ): Promise<boolean> {
    const domain = this.config.XMPP_DOMAIN;
    try {
      const { active } = await this.nats.request('accounts.exists', { jid: bareJid });
      if (!active) {
        bounce(session, message, 'service-unavailable', domain);
      }
      return active;
    } catch (error) {
      if (!(error instanceof RpcError)) {
        throw error;
      }
      bounce(session, message, 'internal-server-error', domain, 'try again later');
      return false;
    }
  }

  /** Stamps the archive id as the XEP-0359 stanza-id, replacing any the sender forged. */
  private accept(
    session: ActiveSession,
    message: Element,
    to: Jid,
    bareJid: string,
  ): ChatMessageEvent {
    const id = uuid7();
    message.children = message.children.filter(
      (child) =>
        typeof child === 'string' ||
        !(child.name === 'stanza-id' && child.xmlns === NS_SID && child.attrs.by === bareJid),
    );
    message.append(xml('stanza-id', { xmlns: NS_SID, by: bareJid, id }));
    return {
      id,
      from: session.fullJid,
      to: to.toString(),
      acceptedAt: Date.now(),
      stanza: message.toString(),
    };
  }
}
