import type { Element } from '@sotto/xmpp';
import { newItem, sameItem, type RosterItem } from '../roster/roster-item';
import { RosterErrorCode, RosterException } from '../roster/roster.exception';
import type { PairTransaction } from '../roster/roster-store';
import type { Outbox } from './outbox';
import { routedPresence, serverPresence, storedRequest } from './presence-stanzas';
import {
  hasFrom,
  hasTo,
  inbound,
  outbound,
  type SubscriptionPresence,
  type SubscriptionState,
} from './subscription-state';

/** One user's side of the relationship: what is stored, and what it becomes. */
interface Side {
  readonly owner: string;
  readonly contact: string;
  readonly item: RosterItem | undefined;
  readonly before: SubscriptionState;
  state: SubscriptionState;
  /** A new request to keep ("Pending In" just began). */
  request?: string;
  removed: boolean;
}

async function loadSide(tx: PairTransaction, owner: string, contact: string): Promise<Side> {
  // One after the other: a transaction's queries share one connection.
  const item = await tx.item(owner, contact);
  const pending = await tx.pending(owner, contact);
  const state: SubscriptionState = {
    subscription: item?.subscription ?? 'none',
    pendingOut: item?.pendingOut ?? false,
    pendingIn: pending !== undefined,
    approved: item?.approved ?? false,
  };
  return { owner, contact, item, before: state, state, removed: false };
}

/**
 * A user and a contact, both sides loaded in one pair transaction: runs RFC 6121 §3 for what the
 * user sends, then writes both sides and gathers the pushes and presence that follow. The contact
 * side is absent when the contact is no account of this server: then only the user's side moves.
 */
export class Relationship {
  private constructor(
    readonly user: Side,
    readonly contact: Side | undefined,
    private readonly outbox: Outbox,
  ) {}

  static async load(
    tx: PairTransaction,
    user: string,
    contact: string,
    contactIsAccount: boolean,
    outbox: Outbox,
  ): Promise<Relationship> {
    const userSide = await loadSide(tx, user, contact);
    const contactSide = contactIsAccount ? await loadSide(tx, contact, user) : undefined;
    return new Relationship(userSide, contactSide, outbox);
  }

  get userItem(): RosterItem | undefined {
    return this.user.item;
  }

  /** The user sends a subscription presence to the contact (`original`: as the user wrote it). */
  send(type: SubscriptionPresence, original?: Element): void {
    const { user, contact } = this;
    const out = outbound(type, user.state);
    user.state = out.state;
    if (!out.route || !contact) {
      return;
    }
    const routed = routedPresence(original, type, user.owner, contact.owner);
    const received = inbound(type, contact.state);
    if (received.state.pendingIn && !contact.state.pendingIn) {
      contact.request = storedRequest(routed);
    }
    contact.state = received.state;
    if (received.deliver) {
      this.outbox.send(contact.owner, routed);
    }
    if (received.autoReply) {
      // The contact's server answers for the contact, who approved already (RFC 6121 §3.1.3).
      const answer = inbound('subscribed', user.state);
      user.state = answer.state;
      if (answer.deliver) {
        this.outbox.send(user.owner, serverPresence('subscribed', contact.owner, user.owner));
      }
    }
  }

  /** Ends the relationship both ways, as a roster remove does (RFC 6121 §2.5.2). */
  cancel(): void {
    const user = this.user.state;
    if (hasTo(user.subscription) || user.pendingOut || this.contact?.state.pendingIn) {
      this.send('unsubscribe');
    }
    if (hasFrom(this.user.state.subscription) || this.user.state.pendingIn) {
      this.send('unsubscribed');
    }
  }

  /** The user's item goes (after `cancel`). */
  removeUserItem(): void {
    this.user.removed = true;
  }

  /** Writes both sides, queues the pushes and the presence that follow; returns the outbox. */
  async save(tx: PairTransaction, maxItems: number): Promise<Outbox> {
    const sides = this.contact ? [this.user, this.contact] : [this.user];
    for (const side of sides) {
      await this.saveSide(tx, side, maxItems);
    }
    if (this.contact) {
      this.presenceFollows(this.user, this.contact);
      this.presenceFollows(this.contact, this.user);
    }
    this.outbox.setVersions(await tx.bumpVersions(this.outbox.changedOwners()));
    return this.outbox;
  }

  private async saveSide(tx: PairTransaction, side: Side, maxItems: number): Promise<void> {
    const { owner, contact } = side;
    if (side.removed) {
      await tx.deleteItem(owner, contact);
      await tx.deletePending(owner, contact);
      this.outbox.push(owner, { removed: contact });
      return;
    }
    if (side.state.pendingIn && !side.before.pendingIn) {
      const request = side.request ?? serverPresence('subscribe', contact, owner).toString();
      await tx.savePending(owner, contact, request);
    } else if (!side.state.pendingIn && side.before.pendingIn) {
      await tx.deletePending(owner, contact);
    }
    const next = nextItem(side);
    if (next === undefined || (side.item && sameItem(side.item, next))) {
      return;
    }
    if (!side.item && (await tx.countItems(owner)) >= maxItems) {
      throw new RosterException(RosterErrorCode.RosterFull, 'the roster is full');
    }
    await tx.saveItem(owner, next);
    this.outbox.push(owner, { item: next });
  }

  // `subscriber` receives `publisher`'s presence from now on, or no longer.
  private presenceFollows(subscriber: Side, publisher: Side): void {
    const before = hasTo(subscriber.before.subscription);
    const after = hasTo(subscriber.state.subscription);
    if (after && !before) {
      // RFC 6121 §3.1.5: the new subscriber learns the publisher's current presence; the
      // gateway answers the probe on the publisher's behalf.
      this.outbox.send(publisher.owner, serverPresence('probe', subscriber.owner, publisher.owner));
    } else if (before && !after) {
      // §3.2.2, §3.3.3: unavailable from each of the publisher's available resources; a
      // gateway expands this bare-JID unavailable into one per resource.
      this.outbox.send(
        subscriber.owner,
        serverPresence('unavailable', publisher.owner, subscriber.owner),
      );
    }
  }
}

// The item the side should have now: its stored one with the new state, a new one when the
// relationship needs an item (a request out, a subscription, a pre-approval), else none.
function nextItem(side: Side): RosterItem | undefined {
  const { subscription, pendingOut, approved } = side.state;
  const needed = subscription !== 'none' || pendingOut || approved;
  const base = side.item ?? (needed ? newItem(side.contact) : undefined);
  return base && { ...base, subscription, pendingOut, approved };
}
