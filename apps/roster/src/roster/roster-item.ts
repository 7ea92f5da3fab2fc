import { xml, type Element } from '@sotto/xmpp';
import { NO_RELATIONSHIP, type SubscriptionState } from '../subscriptions/subscription-state';

export const NS_ROSTER = 'jabber:iq:roster';

/** One roster item as the owner sees it (RFC 6121 §2.1.2). */
export interface RosterItem extends Omit<SubscriptionState, 'pendingIn'> {
  /** The contact's JID, prepared. */
  readonly contact: string;
  readonly name: string | null;
  readonly groups: readonly string[];
}

/** A new item with no subscription in either direction. */
export function newItem(contact: string): RosterItem {
  const { subscription, pendingOut, approved } = NO_RELATIONSHIP;
  return { contact, name: null, groups: [], subscription, pendingOut, approved };
}

/** Whether two versions of an item differ in anything the owner's clients see. */
export function sameItem(a: RosterItem, b: RosterItem): boolean {
  return (
    a.contact === b.contact &&
    a.name === b.name &&
    a.subscription === b.subscription &&
    a.pendingOut === b.pendingOut &&
    a.approved === b.approved &&
    a.groups.length === b.groups.length &&
    a.groups.every((group, i) => group === b.groups[i])
  );
}

/** `<item/>` as in a roster result or push; `ask` only for a pending request (§2.1.2.2). */
export function itemElement(item: RosterItem): Element {
  return xml(
    'item',
    {
      jid: item.contact,
      name: item.name ?? undefined,
      subscription: item.subscription,
      ask: item.pendingOut ? 'subscribe' : undefined,
      approved: item.approved ? 'true' : undefined,
    },
    item.groups.map((group) => xml('group', {}, group)),
  );
}

/** The `<query/>` of a roster result or push. */
export function rosterQuery(version: number, items: readonly Element[]): Element {
  return xml('query', { xmlns: NS_ROSTER, ver: String(version) }, [...items]);
}
