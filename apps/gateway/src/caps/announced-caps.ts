import type { Element } from '@sotto/xmpp';

export const NS_CAPS = 'http://jabber.org/protocol/caps';

/** The `<c/>` of a presence (XEP-0115 §4): who made the client, and the hash of what it can. */
export interface AnnouncedCaps {
  node: string;
  ver: string;
  /** Absent in the legacy format (before XEP-0115 1.4), whose `ver` is a version number. */
  hash?: string;
}

/** The caps a presence announces; undefined when it has none, or one not worth asking about. */
export function announcedCaps(presence: Element): AnnouncedCaps | undefined {
  const c = presence.getChild('c', NS_CAPS);
  const { node, ver, hash } = c?.attrs ?? {};
  if (!node || !ver || node.length > 1024 || ver.length > 256 || (hash?.length ?? 0) > 32) {
    return undefined;
  }
  return hash ? { node, ver, hash } : { node, ver };
}

/** The disco#info node a client answers its caps on (XEP-0115 §6.2). */
export function capsNode(caps: AnnouncedCaps): string {
  return `${caps.node}#${caps.ver}`;
}

export function sameCaps(a: AnnouncedCaps | undefined, b: AnnouncedCaps | undefined): boolean {
  return a?.node === b?.node && a?.ver === b?.ver && a?.hash === b?.hash;
}
