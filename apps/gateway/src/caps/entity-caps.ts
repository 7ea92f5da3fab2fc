import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { UNVERIFIED_CAPS, capsKey } from '@sotto/contracts';
import { pseudonym } from '@sotto/logging';
import { NatsClient } from '@sotto/nats';
import { NS_CLIENT, NS_DISCO_INFO, xml, type Element } from '@sotto/xmpp';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import type { ActiveSession } from '../sessions/active-session';
import { LocalSessions, type BoundSession } from '../sessions/local-sessions';
import { announcedCaps, capsNode, sameCaps, type AnnouncedCaps } from './announced-caps';
import { CapsCache, notifyNodesOf } from './caps-cache';
import { CapsAnswerError, capsVer, isVerifiableHash, readDiscoInfo } from './caps-verification';

// `pep.interest` carries at most this many nodes (its contract).
const MAX_INTEREST_NODES = 256;

interface PendingQuery {
  id: string;
  caps: AnnouncedCaps;
  timer: NodeJS.Timeout;
}

/** What this gateway knows of the caps of one of its sessions. */
interface SessionCaps {
  readonly session: ActiveSession;
  /** The caps of the session's latest presence that had any. */
  announced?: AnnouncedCaps;
  /** The `+notify` nodes of `announced`, once known. */
  notify?: ReadonlySet<string>;
  /** The one disco#info query the session may have outstanding. */
  pending?: PendingQuery;
  /** The caps node whose query failed: not asked again during this session. */
  failed?: string;
  /** The nodes published in `pep.interest` since the session's last initial presence. */
  published?: string;
}

/**
 * Entity capabilities (XEP-0115) of the sessions on this gateway: learns them from available
 * presence, from the shared cache or by asking the client once, keeps the session's `caps` in
 * the table, tells pubsub which nodes the session wants (`pep.interest`), and answers for its
 * sessions whether they want a notification.
 */
@Injectable()
export class EntityCaps {
  private readonly logger = new Logger('caps');
  private readonly states = new WeakMap<BoundSession, SessionCaps>();

  constructor(
    private readonly nats: NatsClient,
    private readonly cache: CapsCache,
    private readonly local: LocalSessions,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The session's available presence was stored and broadcast. Never rejects. */
  async available(session: ActiveSession, presence: Element, initial: boolean): Promise<void> {
    const state = this.stateOf(session);
    if (initial) {
      state.published = undefined;
    }
    // A presence without caps changes nothing: clients may leave them out of later presences.
    const caps = announcedCaps(presence);
    if (caps !== undefined && !sameCaps(caps, state.announced)) {
      state.announced = caps;
      state.notify = undefined;
      await this.resolve(state);
    } else {
      this.announce(state);
    }
  }

  /**
   * An IQ result or error the session addressed to the server: true when it answers the server's
   * caps query (and is taken here), false for anything else.
   */
  answer(session: ActiveSession, iq: Element): boolean {
    const state = this.states.get(session);
    const pending = state?.pending;
    if (state === undefined || pending === undefined || iq.attrs.id !== pending.id) {
      return false;
    }
    clearTimeout(pending.timer);
    state.pending = undefined;
    const query = iq.attrs.type === 'result' ? iq.getChild('query', NS_DISCO_INFO) : undefined;
    this.learn(state, pending.caps, query).catch((error: unknown) => {
      this.logger.warn(`caps not learned: ${error instanceof Error ? error.name : typeof error}`);
    });
    return true;
  }

  /** Whether a session of this gateway is available and its caps list `<node>+notify`. */
  wants(session: BoundSession, node: string): boolean {
    const state = this.states.get(session);
    return state?.session.record.available === true && state.notify?.has(node) === true;
  }

  private stateOf(session: ActiveSession): SessionCaps {
    let state = this.states.get(session);
    if (state === undefined) {
      state = { session };
      this.states.set(session, state);
    }
    return state;
  }

  private async resolve(state: SessionCaps): Promise<void> {
    const caps = state.announced;
    if (caps === undefined) {
      return;
    }
    if (caps.hash !== undefined && isVerifiableHash(caps.hash)) {
      const key = capsKey(caps.hash, caps.ver);
      const known = this.cache.notifyNodes(key);
      if (known !== undefined) {
        await this.settle(state, key, known);
        return;
      }
    }
    // One query at a time: when it ends, the caps announced by then are looked at.
    if (state.pending === undefined && state.failed !== capsNode(caps)) {
      this.query(state, caps);
    }
  }

  private query(state: SessionCaps, caps: AnnouncedCaps): void {
    const { session } = state;
    if (!this.bound(session)) {
      return;
    }
    const id = `caps-${randomBytes(9).toString('base64url')}`;
    const timer = setTimeout(() => this.timedOut(state, id), this.config.CAPS_QUERY_TIMEOUT_MS);
    state.pending = { id, caps, timer };
    const iq = xml(
      'iq',
      { xmlns: NS_CLIENT, type: 'get', id, from: this.config.XMPP_DOMAIN, to: session.fullJid },
      xml('query', { xmlns: NS_DISCO_INFO, node: capsNode(caps) }),
    );
    session.deliver(iq.toString());
  }

  private timedOut(state: SessionCaps, id: string): void {
    const pending = state.pending;
    if (pending?.id !== id) {
      return;
    }
    state.pending = undefined;
    state.failed = capsNode(pending.caps);
    this.logger.debug(`caps query unanswered by ${pseudonym(state.session.fullJid)}`);
    if (!sameCaps(pending.caps, state.announced)) {
      this.resolve(state).catch(() => undefined);
    }
  }

  private async learn(
    state: SessionCaps,
    caps: AnnouncedCaps,
    query: Element | undefined,
  ): Promise<void> {
    const learned = query === undefined ? undefined : await this.verify(caps, query);
    if (learned === undefined) {
      state.failed = capsNode(caps);
    }
    if (!sameCaps(caps, state.announced)) {
      // The presence changed while the client answered: its latest caps are next.
      await this.resolve(state);
    } else if (learned !== undefined) {
      await this.settle(state, learned.field, learned.notify);
    }
  }

  /**
   * The session's `caps` field and `+notify` nodes from the client's answer: shared when the
   * answer hashes to the announced `ver` (XEP-0115 §5.4), the session's own otherwise (an
   * unsupported hash, the legacy format, a mismatch, a full cache). Undefined when ill-formed.
   */
  private async verify(
    caps: AnnouncedCaps,
    query: Element,
  ): Promise<{ field: string; notify: ReadonlySet<string> } | undefined> {
    let info;
    try {
      info = readDiscoInfo(query, this.config.CAPS_MAX_FEATURES);
    } catch (error) {
      if (error instanceof CapsAnswerError) {
        this.logger.debug(`ignored an ill-formed caps answer: ${error.message}`);
        return undefined;
      }
      throw error;
    }
    const notify = notifyNodesOf(info.features);
    const { hash, ver } = caps;
    if (hash !== undefined && capsVer(info, hash) === ver) {
      const record = { hash, ver, features: info.features, verifiedAt: Date.now() };
      if (await this.cache.put(record)) {
        return { field: capsKey(hash, ver), notify };
      }
    }
    return { field: UNVERIFIED_CAPS, notify };
  }

  private async settle(
    state: SessionCaps,
    field: string,
    notify: ReadonlySet<string>,
  ): Promise<void> {
    if (!this.bound(state.session)) {
      return;
    }
    state.notify = notify;
    if (state.session.record.caps !== field) {
      await state.session.setCaps(field);
    }
    this.announce(state);
  }

  /** Publishes `pep.interest` once per presence session and whenever the nodes change. */
  private announce(state: SessionCaps): void {
    const { session, notify } = state;
    if (notify === undefined || !session.record.available || !this.bound(session)) {
      return;
    }
    const nodes = [...notify].sort().slice(0, MAX_INTEREST_NODES);
    const published = nodes.join('\n');
    if (nodes.length === 0 || state.published === published) {
      return;
    }
    state.published = published;
    try {
      this.nats.publish('pep.interest', { jid: session.fullJid, nodes });
    } catch (error) {
      this.logger.warn(`pep.interest not sent: ${error instanceof Error ? error.name : 'error'}`);
    }
  }

  private bound(session: BoundSession): boolean {
    return this.local.get(session.fullJid) === session;
  }
}
