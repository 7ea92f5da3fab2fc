/** XEP-0441 default behaviour for JIDs in neither list. */
export type DefaultMode = 'always' | 'never' | 'roster';

export const DEFAULT_MODES: readonly DefaultMode[] = ['always', 'never', 'roster'];

/** An owner's archiving preferences; JIDs are prepared bare JIDs. */
export interface ArchivePrefs {
  defaultMode: DefaultMode;
  always: readonly string[];
  never: readonly string[];
}

/** What an owner who never set preferences gets: everything archived. */
export const DEFAULT_PREFS: ArchivePrefs = { defaultMode: 'always', always: [], never: [] };

/** At most this many JIDs in each list: the preferences are one row, read on every batch. */
export const MAX_PREF_JIDS = 1000;

/**
 * Whether an owner with `prefs` archives a message exchanged with `other` (a bare JID). The
 * lists win over the default (XEP-0441 §2.2). 'roster' is treated as 'always' until the roster
 * service offers a lookup: archiving a message the user wanted to keep matters more than
 * keeping one they would not have kept, which they can delete with their account.
 */
export function archives(prefs: ArchivePrefs | undefined, other: string): boolean {
  if (prefs === undefined) {
    return true;
  }
  if (prefs.always.includes(other)) {
    return true;
  }
  if (prefs.never.includes(other)) {
    return false;
  }
  return prefs.defaultMode !== 'never';
}
