import type { Element } from '@sotto/xmpp';
import { PubsubErrorCode, PubsubException } from './pubsub.exception';

// Node names and item ids are keys of unique indexes: bounded so an index entry always fits.
export const MAX_NODE_NAME_BYTES = 512;
const NS_RSM = 'http://jabber.org/protocol/rsm';

export const bad = (message: string) => new PubsubException(PubsubErrorCode.BadRequest, message);

/** The action of a `<pubsub/>` element and what may follow it. */
export function actionOf(
  pubsub: Element,
  ns: string,
  followers: Record<string, string>,
): Element[] {
  if (pubsub.name !== 'pubsub') {
    throw bad('expected a pubsub element');
  }
  // Result set management (XEP-0059), which some clients send with any retrieval, is not
  // offered here (no rsm feature is advertised): ignored, as the responder that lacks it does.
  const children = pubsub
    .getChildElements()
    .filter((child) => !(child.name === 'set' && child.attrs.xmlns === NS_RSM));
  if (children.some((child) => (child.attrs.xmlns ?? ns) !== ns)) {
    throw bad('unexpected element in the pubsub request');
  }
  const [action, follower, ...rest] = children;
  if (action === undefined || rest.length > 0) {
    throw bad('a pubsub request holds one action');
  }
  if (follower !== undefined && followers[action.name] !== follower.name) {
    throw bad('unexpected element after the action');
  }
  return children;
}

/** The `node` attribute, or undefined when absent or empty; too long for the index: refused. */
export function optionalNode(action: Element): string | undefined {
  const name = action.attrs.node;
  if (name === undefined || name === '') {
    return undefined;
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_NODE_NAME_BYTES) {
    throw new PubsubException(
      PubsubErrorCode.NotAcceptable,
      `a node name has at most ${MAX_NODE_NAME_BYTES} bytes here`,
    );
  }
  return name;
}

/** The `node` attribute the request needs (nodeid-required without it). */
export function node(action: Element): string {
  const name = optionalNode(action);
  if (name === undefined) {
    throw new PubsubException(PubsubErrorCode.NodeIdRequired);
  }
  return name;
}

/** The data form inside `parent`, if any. */
export function formOf(parent: Element): Element | undefined {
  return parent.getChild('x', 'jabber:x:data');
}

export function requiredForm(parent: Element, code: PubsubErrorCode): Element {
  const form = formOf(parent);
  if (form === undefined) {
    throw new PubsubException(code, 'a data form is required');
  }
  return form;
}
