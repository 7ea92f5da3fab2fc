import type { Box } from './inbox-entry';

/** Which entries a query reads. Times are µs since the epoch (XEP-0082 allows µs). */
export interface InboxFilter {
  start?: number;
  end?: number;
  unreadOnly: boolean;
  /** One box, every box, or (MongooseIM's default) every box but the bin. */
  box: Box | 'all' | 'not-bin';
}

/** A position in an owner's inbox: entries are ordered by (time, JID). */
export interface InboxCursor {
  at: number;
  jid: string;
}

/** One page read in one direction, strictly past `after` when given. */
export interface PageScan {
  order: 'asc' | 'desc';
  after?: InboxCursor;
  limit: number;
}

export interface InboxTotals {
  /** Conversations that match the filter. */
  count: number;
  /** Unread messages in them. */
  unread: number;
  /** Of them, conversations with unread messages. */
  active: number;
}

export interface PropertyChanges {
  box?: Box;
  /** null unmutes. */
  mutedUntil?: Date | null;
  /** true reads the conversation; false marks it unread (a count of at least 1). */
  read?: boolean;
}
