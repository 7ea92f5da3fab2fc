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

/** Whether a message is archived: yes, no, or only if the other party is in the owner's roster. */
export type Archiving = boolean | 'if-in-roster';

/**
 * Whether an owner with `prefs` archives a message exchanged with `other` (a bare JID). The
 * lists win over the default (XEP-0441 §2.2); the default 'roster' archives a message only when
 * `other` is in the owner's roster, which the caller asks the roster service.
 */
export function archiving(prefs: ArchivePrefs | undefined, other: string): Archiving {
  if (prefs === undefined) {
    return true;
  }
  if (prefs.always.includes(other)) {
    return true;
  }
  if (prefs.never.includes(other)) {
    return false;
  }
  switch (prefs.defaultMode) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'roster':
      return 'if-in-roster';
  }
}
