import { Inject, Injectable } from '@nestjs/common';
import type { Element } from '@sotto/xmpp';
import { StanzaSender } from '@sotto/xmpp-service';
import { ROSTER_CONFIG, type RosterConfig } from '../config/roster.config';
import { Outbox, type StanzaOut } from '../subscriptions/outbox';
import { SubscriptionService } from '../subscriptions/subscription.service';
import { itemElement, newItem, rosterQuery } from './roster-item';
import type { RosterSet } from './roster-request';
import { RosterErrorCode, RosterException } from './roster.exception';
import { RosterRepository } from './roster.repository';
import type { RosterStore } from './roster-store';

type Subscriptions = Pick<SubscriptionService, 'remove'>;

/** The roster itself (RFC 6121 §2): get with versioning (§2.6), add, update, remove. */
@Injectable()
export class RosterService {
  constructor(
    @Inject(RosterRepository) private readonly store: RosterStore,
    @Inject(SubscriptionService) private readonly subscriptions: Subscriptions,
    @Inject(StanzaSender) private readonly sender: StanzaOut,
    @Inject(ROSTER_CONFIG) private readonly config: Pick<RosterConfig, 'ROSTER_MAX_ITEMS'>,
  ) {}

  /**
   * The whole roster with its version; nothing (an empty result) when the client's `ver` is the
   * current one (§2.6.3). Any other `ver` gets the whole roster rather than the missed pushes.
   */
  async get(owner: string, clientVersion: string | undefined): Promise<Element | undefined> {
    if (clientVersion !== undefined && clientVersion === String(await this.store.version(owner))) {
      return undefined;
    }
    const { version, items } = await this.store.roster(owner);
    return rosterQuery(version, items.map(itemElement));
  }

  async set(owner: string, request: RosterSet): Promise<void> {
    if (request.contact === owner) {
      throw new RosterException(RosterErrorCode.OwnJid, 'one’s own JID is not a contact');
    }
    if (request.kind === 'remove') {
      await this.subscriptions.remove(owner, request.contact);
      return;
    }
    const outbox = await this.store.inPair(owner, request.contact, async (tx) => {
      const stored = await tx.item(owner, request.contact);
      if (!stored && (await tx.countItems(owner)) >= this.config.ROSTER_MAX_ITEMS) {
        throw new RosterException(RosterErrorCode.RosterFull, 'the roster is full');
      }
      // Only the name and groups are the client's to set; the subscription state stays.
      const item = {
        ...(stored ?? newItem(request.contact)),
        name: request.name,
        groups: request.groups,
      };
      await tx.saveItem(owner, item);
      const outbox = new Outbox();
      outbox.push(owner, { item });
      outbox.setVersions(await tx.bumpVersions([owner]));
      return outbox;
    });
    outbox.flush(this.sender);
  }
}
