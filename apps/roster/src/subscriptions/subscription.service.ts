import { Inject, Injectable, Logger } from '@nestjs/common';
import { BareJid, type PresenceTargets, type RpcResult } from '@sotto/contracts';
import { pseudonym } from '@sotto/logging';
import { StanzaSender } from '@sotto/xmpp-service';
import type { Element } from '@sotto/xmpp';
import { ROSTER_CONFIG, type RosterConfig } from '../config/roster.config';
import { RosterErrorCode, RosterException } from '../roster/roster.exception';
import { RosterRepository } from '../roster/roster.repository';
import type { RosterStore } from '../roster/roster-store';
import { AccountDirectory, type AccountLookup } from './account-directory';
import { Outbox, type StanzaOut } from './outbox';
import { Relationship } from './relationship';
import { hasFrom, hasTo, type SubscriptionPresence } from './subscription-state';

export type RosterSettings = Pick<RosterConfig, 'ROSTER_MAX_ITEMS'>;

/** Presence subscriptions between the users of this server (RFC 6121 §3) and what follows. */
@Injectable()
export class SubscriptionService {
  private readonly logger = new Logger('subscriptions');

  constructor(
    @Inject(RosterRepository) private readonly store: RosterStore,
    @Inject(AccountDirectory) private readonly accounts: AccountLookup,
    @Inject(StanzaSender) private readonly sender: StanzaOut,
    @Inject(ROSTER_CONFIG) private readonly config: RosterSettings,
  ) {}

  /** `user` sent `type` to `contact` (both prepared bare JIDs); `presence` as the user wrote it. */
  async send(
    user: string,
    contact: string,
    type: SubscriptionPresence,
    presence?: Element,
  ): Promise<void> {
    if (user === contact) {
      // One's own presence needs no subscription (RFC 6121 §3.1.1 is about contacts).
      return;
    }
    await this.inRelationship(user, contact, (relationship) => relationship.send(type, presence));
    this.logger.debug(`${pseudonym(user)} sent ${type} to ${pseudonym(contact)}`);
  }

  /**
   * Roster remove (RFC 6121 §2.5.2): unsubscribe and unsubscribed as the state requires, then
   * the item goes. Throws `RosterException(ItemNotFound)` when there is no item.
   */
  async remove(user: string, contact: string): Promise<void> {
    await this.inRelationship(user, contact, (relationship) => {
      if (!relationship.userItem) {
        throw new RosterException(RosterErrorCode.ItemNotFound, 'no such item');
      }
      relationship.cancel();
      relationship.removeUserItem();
    });
  }

  /**
   * Erasure: every relationship of the user ends as if the user had cancelled it, so the
   * contacts' items and clients learn of it. Nothing is sent to the user.
   */
  async cancelAll(user: string): Promise<void> {
    for (const contact of await this.store.relatedJids(user)) {
      if (contact !== user) {
        await this.inRelationship(user, contact, (relationship) => relationship.cancel(), user);
      }
    }
  }

  /** Who takes part in the user's presence broadcast. */
  async presenceTargets(user: string): Promise<PresenceTargets> {
    const [{ items }, pending] = await Promise.all([
      this.store.roster(user),
      this.store.pendingRequests(user),
    ]);
    // Only accounts reach these states, but the reply must validate whatever is stored.
    const accounts = items.filter((item) => BareJid.safeParse(item.contact).success);
    return {
      subscribers: accounts.filter((i) => hasFrom(i.subscription)).map((i) => i.contact),
      subscriptions: accounts.filter((i) => hasTo(i.subscription)).map((i) => i.contact),
      pendingIn: pending
        .filter((request) => BareJid.safeParse(request.contact).success)
        .map((request) => ({ from: request.contact, stanza: request.stanza })),
    };
  }

  /** The owner's item for one contact, for other services' access checks (`roster.item`). */
  async contactItem(owner: string, contact: string): Promise<RpcResult<'roster.item'>> {
    const item = await this.store.contactItem(owner, contact);
    return { item: item ? { subscription: item.subscription, groups: [...item.groups] } : null };
  }

  private async inRelationship(
    user: string,
    contact: string,
    change: (relationship: Relationship) => void,
    skip?: string,
  ): Promise<void> {
    const outbox = await this.store.inPair(user, contact, async (tx) => {
      // Asked under both users' locks, which an erasure's forget takes too: the forget of a
      // contact whose erasure has begun cannot run between this answer and the save.
      const contactIsAccount = await this.accounts.isAccount(contact);
      const relationship = await Relationship.load(
        tx,
        user,
        contact,
        contactIsAccount,
        new Outbox(),
      );
      change(relationship);
      return relationship.save(tx, this.config.ROSTER_MAX_ITEMS);
    });
    // Only once committed: a push must never announce what a rollback undid.
    outbox.flush(this.sender, (to) => to === skip);
  }
}
