import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ROUTE_SUBJECT, RouteRequest, type SessionRecord } from '@sotto/contracts';
import { NatsClient, decodeJson } from '@sotto/nats';
import { Jid, JidError, NS_CLIENT, StreamError, parseFrame, xml, type Element } from '@sotto/xmpp';
import { CapsCache } from '../caps/caps-cache';
import { SessionRegistry } from '../sessions/session-registry';
import { Delivery } from './delivery.service';

const ROUTE_LIMITS = { maxStanzaBytes: 1_048_576, maxDepth: 256 };
const NS_ROSTER = 'jabber:iq:roster';

/**
 * Stanzas that feature services send to users (roster pushes, notifications): any gateway
 * takes one (queue group) and delivers it with the server's rules, from its session replica.
 * A request with `notify` is a PEP notification, for the resources whose caps want it. A roster
 * push to a bare JID goes to the interested resources only (RFC 6121 §2.1.6).
 *
 * Two presences are the server's own work rather than stanzas to deliver, both addressed
 * between bare JIDs as the roster service sends them:
 * - `probe` from P to U: the gateway answers for U (RFC 6121 §4.3.2), delivering the presence
 *   of each of U's available resources to P, or one unavailable from U when there is none;
 * - `unavailable` from U to P: stands for "U's presence is no longer P's to see"
 *   (§3.2.2, §3.3.3), and goes out as one unavailable from each of U's available resources.
 */
@Injectable()
export class ServiceRouteListener implements OnModuleInit {
  private readonly logger = new Logger('service-route');

  constructor(
    private readonly nats: NatsClient,
    private readonly registry: SessionRegistry,
    private readonly delivery: Delivery,
    private readonly caps: CapsCache,
  ) {}

  onModuleInit(): void {
    this.nats.connection.subscribe(ROUTE_SUBJECT, {
      queue: 'gateways',
      callback: (error, msg) => {
        if (error) {
          this.logger.error(`route subscription failed: ${error.message}`);
          return;
        }
        const parsed = RouteRequest.safeParse(decodeJson(msg.data));
        if (!parsed.success) {
          this.logger.warn('dropped an invalid route request');
          return;
        }
        this.route(parsed.data).catch((err: unknown) => {
          this.logger.warn(
            `service stanza not routed: ${err instanceof Error ? err.name : typeof err}`,
          );
        });
      },
    });
  }

  private async route(request: RouteRequest): Promise<void> {
    let to: Jid;
    let stanza: Element;
    let from: Jid | undefined;
    try {
      to = Jid.parse(request.to);
      stanza = parseFrame(request.stanza, ROUTE_LIMITS);
      from = stanza.attrs.from === undefined ? undefined : Jid.parse(stanza.attrs.from);
    } catch (error) {
      if (error instanceof JidError || error instanceof StreamError) {
        this.logger.warn('dropped a route request with a bad address or stanza');
        return;
      }
      throw error;
    }
    if (request.notify !== undefined) {
      await this.notify(to, request.stanza, request.notify);
      return;
    }
    const type = stanza.attrs.type;
    const serverWork = stanza.name === 'presence' && (type === 'probe' || type === 'unavailable');
    if (serverWork && from && isBareAccount(from) && isBareAccount(to)) {
      await (type === 'probe'
        ? this.answerProbe(from.bareString(), to.bareString())
        : this.retractPresence(from.bareString(), to.bareString()));
      return;
    }
    const records = await this.resourcesOf(to.bareString());
    if (to.resource === undefined && isRosterPush(stanza)) {
      await Promise.all(
        records.map((target) => this.delivery.deliverRosterPush(target, request.stanza)),
      );
      return;
    }
    const targets =
      to.resource !== undefined
        ? records.filter((r) => r.jid === to.toString())
        : pick(records, stanza.name, type);
    await Promise.all(targets.map((target) => this.delivery.deliver(target, request.stanza)));
  }

  /**
   * A PEP notification (XEP-0163 §4.3.3) goes to the available resources that want it, never to
   * offline storage and never back as an error. A full JID is the holding gateway's to decide
   * (it knows its session best, e.g. right after the session's `pep.interest`); for a bare JID
   * this gateway decides what the table and the shared caps tell, and asks the holding gateway
   * only about the resources whose caps it does not know.
   */
  private async notify(to: Jid, stanza: string, node: string): Promise<void> {
    const bareJid = to.bareString();
    if (to.resource !== undefined) {
      let target = this.registry.find(bareJid, to.resource);
      if (!target) {
        await this.registry.refresh(bareJid);
        target = this.registry.find(bareJid, to.resource);
      }
      if (target) {
        await this.delivery.deliverNotification(target, stanza, node);
      }
      return;
    }
    // The replica alone: a resource it does not show yet gets the node's last item after its
    // own pep.interest. Only when nobody would get it while an available resource has no caps
    // in the replica is the bucket read, since caps are written a moment after the presence.
    let records = this.registry.resourcesOf(bareJid);
    let targets = this.wanting(records, node);
    if (targets.length === 0 && records.some((r) => r.available && r.caps === undefined)) {
      await this.registry.refresh(bareJid);
      records = this.registry.resourcesOf(bareJid);
      targets = this.wanting(records, node);
    }
    await Promise.all(
      targets.map((target) => this.delivery.deliverNotification(target, stanza, node)),
    );
  }

  private wanting(records: SessionRecord[], node: string): SessionRecord[] {
    return records.filter(
      (record) => record.available && this.caps.interest(record, node) !== 'not',
    );
  }

  private async answerProbe(prober: string, target: string): Promise<void> {
    const presences = (await this.resourcesOf(target))
      .filter((record) => record.available && record.presence)
      .map((record) => record.presence as string);
    if (presences.length === 0) {
      presences.push(presence('unavailable', target, prober));
    }
    await this.toAvailable(prober, presences);
  }

  private async retractPresence(publisher: string, subscriber: string): Promise<void> {
    const gone = (await this.resourcesOf(publisher))
      .filter((record) => record.available)
      .map((record) => presence('unavailable', record.jid, subscriber));
    await this.toAvailable(subscriber, gone);
  }

  private async toAvailable(bareJid: string, payloads: string[]): Promise<void> {
    if (payloads.length === 0) {
      return;
    }
    const targets = pick(await this.resourcesOf(bareJid), 'presence', undefined);
    await Promise.all(
      targets.flatMap((target) =>
        payloads.map((payload) => this.delivery.deliver(target, payload)),
      ),
    );
  }

  // The replica, or the bucket itself when the replica knows none: a record written a moment
  // ago may not have reached this gateway's watch yet.
  private async resourcesOf(bareJid: string): Promise<SessionRecord[]> {
    const records = this.registry.resourcesOf(bareJid);
    if (records.length > 0) {
      return records;
    }
    await this.registry.refresh(bareJid);
    return this.registry.resourcesOf(bareJid);
  }
}

function isBareAccount(jid: Jid): boolean {
  return jid.local !== undefined && jid.isBare();
}

function isRosterPush(stanza: Element): boolean {
  return (
    stanza.name === 'iq' &&
    stanza.attrs.type === 'set' &&
    stanza.getChild('query', NS_ROSTER) !== undefined
  );
}

function presence(type: string, from: string, to: string): string {
  return xml('presence', { xmlns: NS_CLIENT, type, from, to }).toString();
}

// Server-originated stanzas to a bare JID (RFC 6121 §8.5.2): IQ pushes reach every bound
// resource; presence every available one; chat and normal messages the highest-priority ones.
function pick(records: SessionRecord[], kind: string, type: string | undefined): SessionRecord[] {
  if (kind === 'iq') {
    return records;
  }
  const available = records.filter((r) => r.available && (kind === 'presence' || r.priority >= 0));
  if (kind === 'presence' || type === 'headline') {
    return available;
  }
  const top = Math.max(...available.map((r) => r.priority));
  return available.filter((r) => r.priority === top);
}
