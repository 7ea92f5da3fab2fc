import { MAX_DIRECTED_PRESENCE } from '@sotto/contracts';

/**
 * The list of where an available resource sent directed presence (RFC 6121 §4.6), kept in its
 * session record as `directedTo`. Entries are JIDs as the client addressed them, full or bare.
 */

/** The list with `to` added; past `MAX_DIRECTED_PRESENCE` the newest is not remembered. */
export function withDirected(list: readonly string[], to: string): readonly string[] {
  if (list.includes(to) || list.length >= MAX_DIRECTED_PRESENCE) {
    return list;
  }
  return [...list, to];
}

/**
 * The list without what directed unavailable presence to `to` reached: `to` itself and, for a
 * bare JID, every resource of it (the unavailable went to all of them).
 */
export function withoutDirected(list: readonly string[], to: string): readonly string[] {
  const bare = !to.includes('/');
  return list.filter((entry) => entry !== to && !(bare && bareOf(entry) === to));
}

/**
 * The entries the unavailable broadcast does not reach (§4.6.3): all of them when the
 * subscribers are unknown (roster service down: twice is better than never).
 */
export function notCovered(
  list: readonly string[],
  subscribers: readonly string[] | undefined,
): string[] {
  const covered = new Set(subscribers ?? []);
  return list.filter((entry) => !covered.has(bareOf(entry)));
}

export function bareOf(jid: string): string {
  const slash = jid.indexOf('/');
  return slash < 0 ? jid : jid.slice(0, slash);
}
