import { Inject, Injectable } from '@nestjs/common';
import type { InboxEntry } from '../inbox/inbox-entry';
import type { InboxTotals } from '../inbox/inbox-filter';
import { InboxRepository } from '../inbox/inbox.repository';
import type { InboxQuery } from './inbox-query';

// What querying needs from the repository, so unit tests can hand in a small fake.
export type InboxReadStore = Pick<InboxRepository, 'page' | 'totals'>;

// The result messages travel in one bus reply (NATS carries 1 MiB by default): a page stops
// before its stanzas would pass this, and the client pages on from its last entry.
const REPLY_BUDGET_BYTES = 786_432;
// Room for what wraps each stored message in a result stanza.
const WRAPPING_BYTES = 512;

export interface InboxPage {
  /** The page, in the order asked for. */
  entries: InboxEntry[];
  /** Over every entry that matches the filter, not only this page. */
  totals: InboxTotals;
}

/** Reads pages of an owner's inbox (both protocols). */
@Injectable()
export class InboxQueryService {
  constructor(@Inject(InboxRepository) private readonly store: InboxReadStore) {}

  async query(owner: string, query: InboxQuery): Promise<InboxPage> {
    // A page before a position is read backwards from it, then turned round.
    const backwards = query.before !== undefined;
    const order = backwards ? (query.order === 'asc' ? 'desc' : 'asc') : query.order;
    const after = backwards ? (query.before ?? undefined) : query.after;
    const [scanned, totals] = await Promise.all([
      query.limit === 0
        ? Promise.resolve([])
        : this.store.page(owner, query.filter, { order, after, limit: query.limit }),
      this.store.totals(owner, query.filter),
    ]);
    const entries = withinBudget(scanned);
    return { entries: backwards ? entries.reverse() : entries, totals };
  }
}

// Keeps the entries nearest the page's start (scan order), at least one.
function withinBudget(entries: InboxEntry[]): InboxEntry[] {
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    bytes += Buffer.byteLength(entries[i].content, 'utf8') + WRAPPING_BYTES;
    if (bytes > REPLY_BUDGET_BYTES && i > 0) {
      return entries.slice(0, i);
    }
  }
  return entries;
}
