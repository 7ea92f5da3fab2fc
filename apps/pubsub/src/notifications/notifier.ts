import { Inject, Injectable, Logger } from '@nestjs/common';
import { BareJid } from '@sotto/contracts';
import { StanzaSender } from '@sotto/xmpp-service';
import type { Element } from '@sotto/xmpp';
import { AccessPolicy } from '../pubsub/access-policy';
import type { Affiliation } from '../pubsub/affiliation';
import type { PubsubHost } from '../pubsub/pubsub-host';
import { RosterDirectory, type RosterLookup } from '../roster/roster-directory';
import { PubsubRepository } from '../store/pubsub.repository';
import type { StoredNode, StoredSubscription } from '../store/pubsub-records';
import { eventMessage } from './events';

type Sender = Pick<StanzaSender, 'send' | 'notify'>;
type Records = Pick<PubsubRepository, 'subscriptions' | 'affiliations'>;
type Access = Pick<AccessPolicy, 'refusal'>;

/** What an event is about: item events honour each subscription's `pubsub#deliver`. */
export type EventKind = 'items' | 'node';

/**
 * Sends a node's events to whoever should have them (XEP-0060 §12.1, XEP-0163 §4.3):
 * - on the shared service, each subscribed JID, from the service;
 * - on a PEP service, from the owner's bare JID: every resource of the owner and of each
 *   contact who receives the owner's presence and may read the node, filtered by the `+notify`
 *   interest of their entity capabilities; explicit subscribers too (full JIDs directly, bare
 *   JIDs with the same filtering).
 * Readers are checked against the access model at each event, so a contact who lost access (a
 * roster change) stops receiving events without a subscription to cancel.
 */
@Injectable()
export class Notifier {
  private readonly logger = new Logger('pubsub-notify');

  constructor(
    @Inject(StanzaSender) private readonly sender: Sender,
    @Inject(PubsubRepository) private readonly records: Records,
    @Inject(AccessPolicy) private readonly access: Access,
    @Inject(RosterDirectory) private readonly rosters: Pick<RosterLookup, 'presence'>,
  ) {}

  /** Sends `event` about `node`; never throws (the change it reports is already made). */
  async broadcast(
    host: PubsubHost,
    node: StoredNode,
    event: Element,
    kind: EventKind,
  ): Promise<void> {
    (await this.audience(host, node, kind)).send(event);
  }

  /**
   * Who is to get events about `node` now, for an event sent after a change that removes them
   * from the store (a deleted node's subscribers). Never throws: on failure, nobody.
   */
  async audience(host: PubsubHost, node: StoredNode, kind: EventKind): Promise<Audience> {
    if (!node.config.deliverNotifications) {
      return new Audience(host, node.name, this.sender, [], []);
    }
    try {
      return await this.recipients(host, node, kind);
    } catch (error) {
      this.logger.warn(
        `notifications of a node failed: ${error instanceof Error ? error.name : 'error'}`,
      );
      return new Audience(host, node.name, this.sender, [], []);
    }
  }

  /** Sends `event` to one subscriber (a subscription change, a last item): never throws. */
  sendTo(
    host: PubsubHost,
    node: StoredNode,
    to: string,
    event: Element,
    delayedSince?: Date,
  ): void {
    const type = host.pep ? 'headline' : node.config.notificationType;
    this.sender.send(to, eventMessage(host.jid, to, type, event, delayedSince));
  }

  private async recipients(host: PubsubHost, node: StoredNode, kind: EventKind): Promise<Audience> {
    const [subscriptions, affiliations] = await Promise.all([
      this.records.subscriptions(node.id),
      this.records.affiliations(node.id),
    ]);
    const affiliationOf = (jid: string): Affiliation =>
      affiliations.find((a) => a.jid === jid)?.affiliation ?? 'none';
    const owners = affiliations.filter((a) => a.affiliation === 'owner').map((a) => a.jid);
    const readers = new ReaderCheck(this.access, node, owners, affiliationOf);
    const explicit = subscriptions.filter((s) => kind === 'node' || s.deliver);
    const direct: string[] = [];
    if (!host.pep) {
      for (const subscription of explicit) {
        if (await readers.allowed(bareOf(subscription.jid))) {
          direct.push(subscription.jid);
        }
      }
      return new Audience(host, node.name, this.sender, direct, [], node.config.notificationType);
    }
    const filtered = new Set<string>([host.jid]);
    for (const contact of await this.presenceSubscribers(host.jid)) {
      // Receiving the owner's presence is what the presence and open models ask.
      const presenceEnough =
        node.config.accessModel === 'presence' || node.config.accessModel === 'open';
      if (await readers.allowed(contact, presenceEnough)) {
        filtered.add(contact);
      }
    }
    for (const subscription of explicit) {
      if (!(await readers.allowed(bareOf(subscription.jid)))) {
        continue;
      }
      if (isFull(subscription)) {
        direct.push(subscription.jid);
      } else {
        filtered.add(subscription.jid);
      }
    }
    return new Audience(host, node.name, this.sender, direct, [...filtered]);
  }

  // Without the roster service, the owner's own resources and explicit subscribers still get it.
  private async presenceSubscribers(owner: string): Promise<string[]> {
    try {
      return (await this.rosters.presence(owner)).subscribers;
    } catch (error) {
      this.logger.warn(
        `contacts unknown for a PEP event: ${error instanceof Error ? error.name : 'error'}`,
      );
      return [];
    }
  }
}

/**
 * The recipients of one node's events: `direct` JIDs get them as they are; `filtered` bare JIDs
 * only at the resources whose entity capabilities ask for the node (`+notify`).
 */
export class Audience {
  constructor(
    private readonly host: PubsubHost,
    private readonly node: string,
    private readonly sender: Sender,
    readonly direct: string[],
    readonly filtered: string[],
    private readonly type: 'headline' | 'normal' = 'headline',
  ) {}

  send(event: Element): void {
    for (const to of this.direct) {
      this.sender.send(to, eventMessage(this.host.jid, to, this.type, event));
    }
    for (const to of this.filtered) {
      this.sender.notify(to, this.node, eventMessage(this.host.jid, to, 'headline', event));
    }
  }
}

/** Access decisions for one event, asked once per reader. */
class ReaderCheck {
  private readonly decided = new Map<string, boolean>();

  constructor(
    private readonly access: Access,
    private readonly node: StoredNode,
    private readonly owners: string[],
    private readonly affiliationOf: (jid: string) => Affiliation,
  ) {}

  /** `presenceKnown`: the reader receives the owners' presence, as the presence model asks. */
  async allowed(reader: string, presenceKnown = false): Promise<boolean> {
    let decision = this.decided.get(reader);
    if (decision === undefined) {
      const affiliation = this.affiliationOf(reader);
      decision =
        presenceKnown && affiliation !== 'outcast' && affiliation !== 'publish-only'
          ? true
          : (await this.access.refusal({
              config: this.node.config,
              owners: this.owners.filter((owner) => BareJid.safeParse(owner).success),
              requester: reader,
              affiliation,
            })) === undefined;
      this.decided.set(reader, decision);
    }
    return decision;
  }
}

function bareOf(jid: string): string {
  const slash = jid.indexOf('/');
  return slash === -1 ? jid : jid.slice(0, slash);
}

function isFull(subscription: StoredSubscription): boolean {
  return subscription.jid.includes('/');
}
