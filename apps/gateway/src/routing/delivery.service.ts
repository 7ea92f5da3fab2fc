import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { headers, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import {
  DELIVERY_NOTIFY_HEADER,
  DELIVERY_ROSTER_PUSH_HEADER,
  DELIVERY_TARGET_HEADER,
  SessionRecord,
  c2sDeliverSubject,
  c2sKickSubject,
  type DeliveryAck,
} from '@sotto/contracts';
import { NatsClient, decodeJson, isNoResponders, isTimeout } from '@sotto/nats';
import { StreamError } from '@sotto/xmpp';
import { EntityCaps } from '../caps/entity-caps';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { LocalSessions } from '../sessions/local-sessions';
import { SessionRegistry } from '../sessions/session-registry';

const encoder = new TextEncoder();
const ORIGIN_HEADER = 'origin';
const SessionOrigin = SessionRecord.pick({ jid: true, available: true, priority: true });
const decoder = new TextDecoder();

/**
 * Hands a serialised stanza to the session that should get it: directly when the session is on
 * this gateway, else by request to the gateway that holds it, whose reply says whether the
 * session was still there. The stanza is never parsed again on the way.
 */
@Injectable()
export class Delivery implements OnModuleInit {
  private readonly logger = new Logger('delivery');
  // Under overload every delivery may time out: one line per interval, with the count.
  private readonly timeouts = new CountedWarning(
    this.logger,
    (n) =>
      `${n} deliveries to other gateways timed out (counted as failed: a message no session took is stored offline)`,
  );

  constructor(
    private readonly nats: NatsClient,
    private readonly registry: SessionRegistry,
    private readonly local: LocalSessions,
    private readonly caps: EntityCaps,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    const gateway = this.registry.gatewayId;
    this.nats.connection.subscribe(c2sDeliverSubject(gateway), {
      callback: (error, msg) => (error ? this.subscriptionFailed(error) : this.receive(msg)),
    });
    this.nats.connection.subscribe(c2sKickSubject(gateway), {
      callback: (error, msg) => (error ? this.subscriptionFailed(error) : this.receiveKick(msg)),
    });
  }

  /**
   * Resolves true when the target session got the stanza; never rejects. `origin`: the sending
   * session's new presence state, when the stanza is its presence broadcast to its siblings.
   */
  async deliver(target: SessionRecord, xml: string, origin?: SessionRecord): Promise<boolean> {
    if (target.gateway === this.registry.gatewayId) {
      const session = this.local.get(target.jid);
      session?.deliver(xml);
      return session !== undefined;
    }
    const h = headers();
    h.set(DELIVERY_TARGET_HEADER, target.jid);
    if (origin) {
      h.set(
        ORIGIN_HEADER,
        JSON.stringify({ jid: origin.jid, available: origin.available, priority: origin.priority }),
      );
    }
    return this.toGateway(target, xml, h);
  }

  /**
   * A PEP notification of `node` (XEP-0163 §4.3.3): the gateway holding the session delivers it
   * only if the session is available and wants `<node>+notify`, which that gateway always knows,
   * caps verified or the session's own. Resolves true when delivered; never rejects.
   */
  async deliverNotification(target: SessionRecord, xml: string, node: string): Promise<boolean> {
    if (target.gateway === this.registry.gatewayId) {
      const session = this.local.get(target.jid);
      const wanted = session !== undefined && this.caps.wants(session, node);
      if (wanted) {
        session.deliver(xml);
      }
      return wanted;
    }
    const h = headers();
    h.set(DELIVERY_TARGET_HEADER, target.jid);
    h.set(DELIVERY_NOTIFY_HEADER, encodeURIComponent(node));
    return this.toGateway(target, xml, h);
  }

  /**
   * A roster push (RFC 6121 §2.1.6) goes to the session only if it asked for the roster. The
   * table says so once the session's flag reached this replica; until then the gateway holding
   * the session, which set the flag before forwarding the roster get, decides. Resolves true
   * when delivered; never rejects.
   */
  async deliverRosterPush(target: SessionRecord, xml: string): Promise<boolean> {
    if (target.rosterInterested === true) {
      return this.deliver(target, xml);
    }
    if (target.gateway === this.registry.gatewayId) {
      const session = this.local.get(target.jid);
      if (session?.rosterInterested !== true) {
        return false;
      }
      session.deliver(xml);
      return true;
    }
    const h = headers();
    h.set(DELIVERY_TARGET_HEADER, target.jid);
    h.set(DELIVERY_ROSTER_PUSH_HEADER, '1');
    return this.toGateway(target, xml, h);
  }

  private async toGateway(target: SessionRecord, xml: string, h: MsgHdrs): Promise<boolean> {
    try {
      const reply = await this.nats.connection.request(
        c2sDeliverSubject(target.gateway),
        encoder.encode(xml),
        { timeout: this.config.DELIVERY_TIMEOUT_MS, headers: h },
      );
      return (reply.string() as DeliveryAck) === 'delivered';
    } catch (error) {
      this.failedAt(target.gateway, error);
      return false;
    }
  }

  /**
   * Only a gateway nobody answers for (its process and its subscription are gone) is taken for
   * dead at once. A slow answer is not a death: under load a request can wait past the timeout
   * at a gateway that is alive and heartbeating, and taking it for dead would reap every one of
   * its sessions and send their messages to offline storage while their users stay connected.
   * A gateway that hangs is found by its missing heartbeats instead (GATEWAY_DEAD_AFTER_MS).
   */
  private failedAt(gateway: string, error: unknown): void {
    if (isNoResponders(error)) {
      this.registry.markDead(gateway);
    } else if (isTimeout(error)) {
      this.timeouts.count();
    } else {
      this.logger.warn(`delivery to another gateway failed: ${(error as Error).name}`);
    }
  }

  /** Ends the session `target` with `conflict`, wherever it is (its resource is taken over). */
  async kick(target: SessionRecord): Promise<void> {
    if (target.gateway === this.registry.gatewayId) {
      this.local.get(target.jid)?.end(new StreamError('conflict', 'replaced by a new session'));
      return;
    }
    const h = headers();
    h.set(DELIVERY_TARGET_HEADER, target.jid);
    await this.nats.connection
      .request(c2sKickSubject(target.gateway), new Uint8Array(), {
        timeout: this.config.DELIVERY_TIMEOUT_MS,
        headers: h,
      })
      .catch((error: unknown) => this.failedAt(target.gateway, error));
  }

  private receiveKick(msg: Msg): void {
    const to = msg.headers?.get(DELIVERY_TARGET_HEADER);
    this.local.get(to ?? '')?.end(new StreamError('conflict', 'replaced by a new session'));
    msg.respond(encoder.encode('ok'));
  }

  private receive(msg: Msg): void {
    const to = msg.headers?.get(DELIVERY_TARGET_HEADER);
    const session = to ? this.local.get(to) : undefined;
    // A PEP notification goes only where it is wanted; any other stanza to its session.
    const notify = msg.headers?.get(DELIVERY_NOTIFY_HEADER);
    const node = notify ? decodedNode(notify) : undefined;
    const rosterPush = msg.headers?.has(DELIVERY_ROSTER_PUSH_HEADER) === true;
    const wanted = rosterPush
      ? session?.rosterInterested === true
      : !notify || (session !== undefined && node !== undefined && this.caps.wants(session, node));
    let ack: DeliveryAck = 'no-session';
    if (
      session &&
      wanted &&
      msg.data.length > 0 &&
      msg.data.length <= this.config.MAX_STANZA_BYTES * 2
    ) {
      const xml = decoder.decode(msg.data);
      this.applyOrigin(msg.headers?.get(ORIGIN_HEADER), xml);
      session.deliver(xml);
      ack = 'delivered';
    }
    msg.respond(encoder.encode(ack));
  }

  // A sibling's presence broadcast tells this gateway the sibling's new state before the
  // table's watch does: applied at once, so that a message routed here right after the
  // presence arrived (by this user's own clients, say) already sees the new priority.
  private applyOrigin(header: string | undefined, presence: string): void {
    if (!header) {
      return;
    }
    const parsed = SessionOrigin.safeParse(decodeJson(encoder.encode(header)));
    if (parsed.success) {
      this.registry.observe(parsed.data.jid, {
        available: parsed.data.available,
        priority: parsed.data.priority,
        presence: parsed.data.available ? presence : undefined,
      });
    }
  }

  private subscriptionFailed(error: Error): void {
    this.logger.error(`delivery subscription failed: ${error.message}`);
  }
}

/** A warning logged at most once per interval, saying how often it happened meanwhile. */
class CountedWarning {
  private pending = 0;
  private lastAt = 0;

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly text: (count: number) => string,
    private readonly intervalMs = 10_000,
  ) {}

  count(now = Date.now()): void {
    this.pending++;
    if (now - this.lastAt >= this.intervalMs) {
      this.logger.warn(this.text(this.pending));
      this.pending = 0;
      this.lastAt = now;
    }
  }
}

// The `notify` header is URI-encoded so that any node name fits in a header.
function decodedNode(header: string): string | undefined {
  try {
    return decodeURIComponent(header);
  } catch {
    return undefined;
  }
}
