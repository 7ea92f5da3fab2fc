import { randomUUID } from 'node:crypto';
import { NS_CLIENT, NS_DELAY, parseStored, xml, type Element } from '@sotto/xmpp';
import { NS_PUBSUB_EVENT } from '../pubsub/namespaces';
import type { StoredItem } from '../store/pubsub-records';

/** An item as a notification or a retrieval shows it: its id, and its payload if shown. */
export function itemElement(item: Pick<StoredItem, 'itemId' | 'payload'>, withPayload: boolean) {
  return xml(
    'item',
    { id: item.itemId },
    withPayload && item.payload !== '' ? parseStored(item.payload) : undefined,
  );
}

/** `<event><items node>…</items></event>` (XEP-0060 §7.1.2.1); no items for a transient node. */
export function itemsEvent(node: string, items: Element[]): Element {
  return xml('event', { xmlns: NS_PUBSUB_EVENT }, xml('items', { node }, items));
}

/** Retraction notification (§7.2.2.1). */
export function retractEvent(node: string, itemIds: string[]): Element {
  return xml(
    'event',
    { xmlns: NS_PUBSUB_EVENT },
    xml(
      'items',
      { node },
      itemIds.map((id) => xml('retract', { id })),
    ),
  );
}

/** Purge notification (§8.5.2). */
export function purgeEvent(node: string): Element {
  return xml('event', { xmlns: NS_PUBSUB_EVENT }, xml('purge', { node }));
}

/** Deletion notification (§8.4.2), with the replacement node's URI when the owner gave one. */
export function deleteEvent(node: string, redirect: string | undefined): Element {
  return xml(
    'event',
    { xmlns: NS_PUBSUB_EVENT },
    xml(
      'delete',
      { node },
      redirect === undefined ? undefined : xml('redirect', { uri: redirect }),
    ),
  );
}

/** Configuration change notification (§8.2.5.3): the form only for payload-delivering nodes. */
export function configurationEvent(node: string, form: Element | undefined): Element {
  return xml('event', { xmlns: NS_PUBSUB_EVENT }, xml('configuration', { node }, form));
}

/** Subscription state change notification (§8.8.4, §12.6). */
export function subscriptionEvent(
  node: string,
  jid: string,
  subscription: 'none' | 'subscribed',
  subid: string | undefined,
): Element {
  return xml(
    'event',
    { xmlns: NS_PUBSUB_EVENT },
    xml('subscription', { node, jid, subscription, subid }),
  );
}

/** The message carrying an event; `delayedFrom` stamps a last published item (XEP-0203). */
export function eventMessage(
  from: string,
  to: string,
  type: 'headline' | 'normal',
  event: Element,
  delayedSince?: Date,
): Element {
  return xml(
    'message',
    { xmlns: NS_CLIENT, from, to, type, id: randomUUID() },
    event,
    delayedSince === undefined
      ? undefined
      : xml('delay', { xmlns: NS_DELAY, from, stamp: delayedSince.toISOString() }),
  );
}
