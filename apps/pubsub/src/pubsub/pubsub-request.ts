import type { Element } from '@sotto/xmpp';
import { NS_PUBSUB } from './namespaces';
import { actionOf, bad, formOf, node, optionalNode, requiredForm } from './request-fields';
import { PubsubErrorCode, PubsubException } from './pubsub.exception';

export const MAX_ITEM_ID_BYTES = 1024;
const MAX_ITEMS_REQUESTED = 256;

/** The payload of an entity's `<pubsub xmlns='…pubsub'/>` IQ, validated (XEP-0060 §5-7). */
export type PubsubRequest =
  | { kind: 'create'; node: string | undefined; config: Element | undefined }
  | { kind: 'publish'; node: string; item: PublishedItem | undefined; options: Element | undefined }
  | { kind: 'retract'; node: string; itemId: string; notify: boolean }
  | { kind: 'subscribe'; node: string; jid: string; options: Element | undefined }
  | { kind: 'unsubscribe'; node: string; jid: string; subid: string | undefined }
  | { kind: 'options'; node: string; jid: string; subid: string | undefined; form?: Element }
  | { kind: 'items'; node: string; maxItems: number | undefined; itemIds: string[] }
  | { kind: 'subscriptions'; node: string | undefined }
  | { kind: 'affiliations'; node: string | undefined }
  | { kind: 'default-options'; node: string | undefined };

export interface PublishedItem {
  id: string | undefined;
  /** The one payload element, if the item has one. */
  payload: Element | undefined;
  /** The payload's ancestors, innermost first (item, publish, pubsub): their xmlns matter. */
  ancestors: Element[];
}

/** Parses an entity request; `type` is the IQ's. Throws PubsubException. */
export function parsePubsubRequest(pubsub: Element, type: 'get' | 'set'): PubsubRequest {
  const [action, follower] = actionOf(pubsub, NS_PUBSUB, {
    create: 'configure',
    publish: 'publish-options',
    subscribe: 'options',
  });
  const set = type === 'set';
  switch (`${type}:${action.name}`) {
    case 'set:create':
      return { kind: 'create', node: optionalNode(action), config: configureForm(follower) };
    case 'set:publish':
      return parsePublish(pubsub, action, follower);
    case 'set:retract':
      return parseRetract(action);
    case 'set:subscribe': {
      if (follower && (follower.attrs.node !== undefined || follower.attrs.jid !== undefined)) {
        throw bad('the options of a subscription take no node or jid');
      }
      const options = follower === undefined ? undefined : formOf(follower);
      return { kind: 'subscribe', node: node(action), jid: jidAttr(action, false), options };
    }
    case 'set:unsubscribe':
      return {
        kind: 'unsubscribe',
        node: node(action),
        jid: jidAttr(action, false),
        subid: action.attrs.subid,
      };
    case 'get:options':
    case 'set:options':
      return {
        kind: 'options',
        node: node(action),
        jid: jidAttr(action, true),
        subid: action.attrs.subid,
        ...(set ? { form: requiredForm(action, PubsubErrorCode.InvalidOptions) } : {}),
      };
    case 'get:items':
      return parseItems(action);
    case 'get:subscriptions':
      return { kind: 'subscriptions', node: optionalNode(action) };
    case 'get:affiliations':
      return { kind: 'affiliations', node: optionalNode(action) };
    case 'get:default':
      return { kind: 'default-options', node: optionalNode(action) };
    default:
      throw bad(`no ${action.name} ${type} in this namespace`);
  }
}

function parsePublish(
  pubsub: Element,
  action: Element,
  follower: Element | undefined,
): PubsubRequest {
  const items = action.getChildElements();
  if (items.length > 1 || items.some((item) => item.name !== 'item')) {
    // Batch publishing left the protocol in version 1.13 of XEP-0060.
    throw new PubsubException(PubsubErrorCode.InvalidPayload, 'one item per publication');
  }
  const [item] = items;
  let published: PublishedItem | undefined;
  if (item !== undefined) {
    const payloads = item.getChildElements();
    if (payloads.length > 1 || item.text().trim() !== '') {
      throw new PubsubException(PubsubErrorCode.InvalidPayload, 'an item holds one element');
    }
    published = {
      id: itemId(item.attrs.id),
      payload: payloads[0],
      ancestors: [item, action, pubsub],
    };
  }
  const options = follower === undefined ? undefined : formOf(follower);
  if (follower !== undefined && options === undefined) {
    throw bad('publish-options hold a data form');
  }
  return { kind: 'publish', node: node(action), item: published, options };
}

function parseRetract(action: Element): PubsubRequest {
  const retractNode = node(action);
  const items = action.getChildElements();
  if (items.length > 1) {
    throw bad('one item per retraction');
  }
  const id = items[0]?.name === 'item' ? itemId(items[0].attrs.id) : undefined;
  if (id === undefined) {
    throw new PubsubException(PubsubErrorCode.ItemRequired);
  }
  const notify = action.attrs.notify;
  return {
    kind: 'retract',
    node: retractNode,
    itemId: id,
    notify: notify === 'true' || notify === '1',
  };
}

function parseItems(action: Element): PubsubRequest {
  const max = action.attrs.max_items;
  if (max !== undefined && (!/^[0-9]{1,9}$/.test(max) || Number(max) < 1)) {
    throw bad('max_items is a positive number');
  }
  // Result set management (<set/>) may come along; only <item/> children select items.
  const wanted = action.getChildren('item');
  if (wanted.length > MAX_ITEMS_REQUESTED) {
    throw bad(`at most ${MAX_ITEMS_REQUESTED} items per request`);
  }
  const itemIds = wanted.map((item) => {
    const id = itemId(item.attrs.id);
    if (id === undefined) {
      throw bad('a requested item names its id');
    }
    return id;
  });
  return {
    kind: 'items',
    node: node(action),
    maxItems: max === undefined ? undefined : Number(max),
    itemIds,
  };
}
/** An item id, or undefined when absent or empty (the service then makes one up). */
function itemId(id: string | undefined): string | undefined {
  if (id === undefined || id === '') {
    return undefined;
  }
  if (Buffer.byteLength(id, 'utf8') > MAX_ITEM_ID_BYTES) {
    throw new PubsubException(
      PubsubErrorCode.NotAcceptable,
      `an item id has at most ${MAX_ITEM_ID_BYTES} bytes here`,
    );
  }
  return id;
}

function jidAttr(action: Element, forOptions: boolean): string {
  const jid = action.attrs.jid;
  if (jid === undefined || jid === '') {
    throw new PubsubException(
      forOptions ? PubsubErrorCode.JidRequired : PubsubErrorCode.InvalidJid,
    );
  }
  return jid;
}

function configureForm(configure: Element | undefined): Element | undefined {
  if (configure === undefined) {
    return undefined;
  }
  if (configure.attrs.node !== undefined) {
    throw bad('the configure element of a create takes no node');
  }
  // An empty <configure/> asks for the default configuration.
  return formOf(configure);
}
