import { entryKey, type AppliedEntry } from '../inbox/inbox-entry';
import type { InboxChange, PositionedChange } from './inbox-change';

/** One entry's part of a change: the entry it touches and what becomes of it. */
interface Step {
  owner: string;
  remote: string;
  /** The entry after the change, or undefined when the change leaves it as it is. */
  apply(before: AppliedEntry | undefined, at: PositionedChange): AppliedEntry | undefined;
}

/**
 * Applies changes, in order, to the entries they touch (`current` holds those that exist) and
 * returns the entries that changed, as they end up.
 *
 * A change already applied to an entry is skipped, so a batch redelivered after a crash (its
 * transaction committed, its acks lost) counts nothing twice. "Already applied" needs both
 * positions at or before the entry's last one: the stream sequence orders events exactly,
 * and the time-ordered event id keeps a re-created stream (sequences from 1 again) from
 * freezing existing entries.
 */
export function foldChanges(
  current: ReadonlyMap<string, AppliedEntry>,
  changes: readonly PositionedChange[],
): AppliedEntry[] {
  const entries = new Map(current);
  const changed = new Set<string>();
  for (const positioned of changes) {
    for (const step of stepsOf(positioned.change)) {
      const key = entryKey(step.owner, step.remote);
      const before = entries.get(key);
      if (before !== undefined && alreadyApplied(before, positioned)) {
        continue;
      }
      const after = step.apply(before, positioned);
      if (after !== undefined) {
        entries.set(key, after);
        changed.add(key);
      }
    }
  }
  return [...changed].map((key) => entries.get(key)!);
}

function alreadyApplied(entry: AppliedEntry, { seq, eventId }: PositionedChange): boolean {
  return seq <= entry.appliedSeq && eventId.toLowerCase() <= entry.appliedEventId.toLowerCase();
}

function stepsOf(change: InboxChange): Step[] {
  switch (change.kind) {
    case 'message': {
      const own = lastMessage(change, change.sender, change.recipient, true);
      // A note to oneself is one entry, and one's own messages are read.
      return change.sender === change.recipient
        ? [own]
        : [own, lastMessage(change, change.recipient, change.sender, false)];
    }
    case 'marker':
      return [markRead(change)];
  }
}

/**
 * The message becomes the entry's last; the recipient has one more unread message, the sender
 * none (writing means having read the conversation). An archived entry comes back to the inbox,
 * a binned one stays in the bin (MongooseIM's rules).
 */
function lastMessage(
  change: Extract<InboxChange, { kind: 'message' }>,
  owner: string,
  remote: string,
  own: boolean,
): Step {
  return {
    owner,
    remote,
    apply: (before, { seq, eventId }) => ({
      ownerJid: owner,
      remoteJid: remote,
      content: change.content,
      msgId: change.msgId,
      stanzaId: change.stanzaId,
      lastAt: change.at,
      unreadCount: own ? 0 : (before?.unreadCount ?? 0) + 1,
      box: before === undefined || before.box === 'archive' ? 'inbox' : before.box,
      mutedUntil: before?.mutedUntil ?? null,
      appliedSeq: seq,
      appliedEventId: eventId,
    }),
  };
}

/**
 * A marker reads the conversation when it marks its last message, by the id the client gave it
 * or by its stanza-id; a marker of an older message leaves the count, as MongooseIM does,
 * since which later messages are unread is not known.
 */
function markRead(change: Extract<InboxChange, { kind: 'marker' }>): Step {
  return {
    owner: change.owner,
    remote: change.remote,
    apply: (before, { seq, eventId }) => {
      if (before === undefined || before.unreadCount === 0) {
        return undefined;
      }
      const marksLast = change.markedId === before.msgId || change.markedId === before.stanzaId;
      return marksLast
        ? { ...before, unreadCount: 0, appliedSeq: seq, appliedEventId: eventId }
        : undefined;
    },
  };
}
