import { Inject, Injectable, Logger } from '@nestjs/common';
import { StanzaError, errorReply, type Element, type Jid } from '@sotto/xmpp';
import { EntityCaps } from '../caps/entity-caps';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { FeatureRegistry } from '../features/feature-registry';
import { ServiceIqForwarder } from '../features/service-iq.forwarder';
import { ServerIqHandler, type IqTarget } from '../iq/server-iq.handler';
import type { ActiveSession } from '../sessions/active-session';
import { SessionRegistry } from '../sessions/session-registry';
import { bounce } from './bounce';
import { Delivery } from './delivery.service';

const IQ_TYPES = new Set(['get', 'set', 'result', 'error']);
const NS_ROSTER = 'jabber:iq:roster';

/** RFC 6120 §8.2.3 / RFC 6121 §8.5: every get/set IQ gets exactly one answer. */
@Injectable()
export class IqRouter {
  private readonly logger = new Logger('iq');

  constructor(
    private readonly registry: SessionRegistry,
    private readonly delivery: Delivery,
    private readonly serverIq: ServerIqHandler,
    private readonly features: FeatureRegistry,
    private readonly forwarder: ServiceIqForwarder,
    private readonly caps: EntityCaps,
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
    if (to !== undefined && to.domain !== domain) {
      this.toOtherDomain(session, iq, to, request);
      return;
    }
    if (to === undefined || to.resource === undefined || to.local === undefined) {
      // The server, the sender's account or another account: answered here or by a service.
      // Results and errors addressed there answer nothing the gateway asked, but its entity
      // caps queries (XEP-0115); the others are dropped.
      if (!request) {
        if (to === undefined || (to.local === undefined && to.resource === undefined)) {
          this.caps.answer(session, iq);
        }
      } else if (to?.local === undefined && to?.resource !== undefined) {
        bounce(session, iq, 'service-unavailable', domain);
      } else {
        void this.answer(session, iq, payloads[0], this.targetOf(session, to), to);
      }
      return;
    }
    void this.toFullJid(session, iq, to.bareString(), to.resource, request);
  }

  /**
   * A component of ours (`pubsub.<domain>`, with or without a local part or resource) gets every
   * get and set, whatever its namespace (XEP-0060 §5); results and errors addressed to it answer
   * nothing it asked, and are dropped. Any other domain is unreachable: no federation (yet).
   */
  private toOtherDomain(session: ActiveSession, iq: Element, to: Jid, request: boolean): void {
    if (!request) {
      return;
    }
    const service = this.features.componentAt(to.domain);
    if (service === undefined) {
      bounce(session, iq, 'remote-server-not-found', this.config.XMPP_DOMAIN);
      return;
    }
    void this.reply(session, iq, () =>
      this.forwarder.forward(service, session.fullJid, iq.toString()),
    );
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

  private asStanzaError(error: unknown): StanzaError {
    if (error instanceof StanzaError) {
      return error;
    }
    this.logger.warn(`IQ handling failed: ${error instanceof Error ? error.name : typeof error}`);
    return new StanzaError('internal-server-error', undefined, 'wait');
  }

  private targetOf(session: ActiveSession, to: Jid | undefined): IqTarget {
    if (to === undefined || to.local === undefined) {
      return 'server';
    }
    return to.bareString() === session.bareJid ? 'own-account' : 'other-account';
  }

  private async answer(
    session: ActiveSession,
    iq: Element,
    payload: Element,
    target: IqTarget,
    to: Jid | undefined,
  ): Promise<void> {
    if (isOwnRosterGet(session, iq, payload, to)) {
      // Written before the get goes on, so that every push after the answer finds the session
      // interested, whichever gateway routes it.
      await session.setRosterInterested();
    }
    await this.reply(session, iq, async () => {
      const local = this.serverIq.handle(iq, payload, target);
      if (local) {
        return [local.toString()];
      }
      const service =
        payload.xmlns === undefined ? undefined : this.features.serviceFor(payload.xmlns);
      if (!service) {
        throw new StanzaError('service-unavailable');
      }
      return this.forwarder.forward(service, session.fullJid, iq.toString());
    });
  }

  /** Delivers what `produce` answers to the IQ, or the error it throws as the IQ's error. */
  private async reply(
    session: ActiveSession,
    iq: Element,
    produce: () => Promise<string[]>,
  ): Promise<void> {
    let replies: string[];
    try {
      replies = await produce();
    } catch (error) {
      const from = iq.attrs.to ?? this.config.XMPP_DOMAIN;
      replies = [errorReply(iq, this.asStanzaError(error), from).toString()];
    }
    for (const reply of replies) {
      session.deliver(reply);
    }
  }
}

// RFC 6121 §2.1.3: a roster get from the user's own resource makes it an interested resource.
function isOwnRosterGet(
  session: ActiveSession,
  iq: Element,
  payload: Element,
  to: Jid | undefined,
): boolean {
  return (
    iq.attrs.type === 'get' &&
    payload.name === 'query' &&
    payload.xmlns === NS_ROSTER &&
    (to === undefined || to.bareString() === session.bareJid)
  );
}
