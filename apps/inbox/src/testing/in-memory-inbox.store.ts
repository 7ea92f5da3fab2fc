/* eslint-disable @typescript-eslint/require-await -- fakes keep the async signatures they stand in for */
import { entryKey, type AppliedEntry, type InboxEntry } from '../inbox/inbox-entry';
import type {
  InboxCursor,
  InboxFilter,
  InboxTotals,
  PageScan,
  PropertyChanges,
} from '../inbox/inbox-filter';
import type { InboxRepository } from '../inbox/inbox.repository';

type Store = Pick<
  InboxRepository,
  | 'applyBatch'
  | 'page'
  | 'totals'
  | 'find'
  | 'resetUnread'
  | 'updateProperties'
  | 'emptyBin'
  | 'collect'
  | 'deleteOwner'
  | 'countMentions'
>;

/** The repository's behaviour over a map, for unit tests (its SQL has a spec of its own). */
export class InMemoryInboxStore implements Store {
  readonly entries = new Map<string, AppliedEntry>();

  put(entry: InboxEntry): void {
    this.entries.set(entryKey(entry.ownerJid, entry.remoteJid), {
      ...entry,
      appliedSeq: 0,
      appliedEventId: '00000000-0000-7000-8000-000000000000',
    });
  }

  get(owner: string, remote: string): AppliedEntry | undefined {
    return this.entries.get(entryKey(owner, remote));
  }

  async applyBatch(
    keys: readonly [string, string][],
    fold: (current: ReadonlyMap<string, AppliedEntry>) => AppliedEntry[],
  ): Promise<number> {
    const current = new Map<string, AppliedEntry>();
    for (const [owner, remote] of keys) {
      const found = this.get(owner, remote);
      if (found) {
        current.set(entryKey(owner, remote), { ...found });
      }
    }
    const changed = fold(current);
    for (const entry of changed) {
      this.entries.set(entryKey(entry.ownerJid, entry.remoteJid), entry);
    }
    return changed.length;
  }

  async page(owner: string, filter: InboxFilter, scan: PageScan): Promise<InboxEntry[]> {
    const sign = scan.order === 'asc' ? 1 : -1;
    return this.matching(owner, filter)
      .filter((entry) => scan.after === undefined || sign * compare(entry, scan.after) > 0)
      .sort((a, b) => sign * compare(a, position(b)))
      .slice(0, scan.limit);
  }

  async totals(owner: string, filter: InboxFilter): Promise<InboxTotals> {
    const entries = this.matching(owner, filter);
    return {
      count: entries.length,
      unread: entries.reduce((sum, entry) => sum + entry.unreadCount, 0),
      active: entries.filter((entry) => entry.unreadCount > 0).length,
    };
  }

  async find(owner: string, remote: string): Promise<InboxEntry | undefined> {
    return this.get(owner, remote);
  }

  async resetUnread(owner: string, remote: string): Promise<void> {
    const entry = this.get(owner, remote);
    if (entry) {
      entry.unreadCount = 0;
    }
  }

  async updateProperties(
    owner: string,
    remote: string,
    changes: PropertyChanges,
  ): Promise<InboxEntry | undefined> {
    const entry = this.get(owner, remote);
    if (!entry) {
      return undefined;
    }
    entry.box = changes.box ?? entry.box;
    entry.mutedUntil = changes.mutedUntil === undefined ? entry.mutedUntil : changes.mutedUntil;
    if (changes.read !== undefined) {
      entry.unreadCount = changes.read ? 0 : Math.max(entry.unreadCount, 1);
    }
    return entry;
  }

  async emptyBin(owner: string): Promise<number> {
    const binned = [...this.entries.values()].filter(
      (e) => e.ownerJid === owner && e.box === 'bin',
    );
    binned.forEach((e) => this.entries.delete(entryKey(e.ownerJid, e.remoteJid)));
    return binned.length;
  }

  async collect(
    owner: string,
    after: InboxCursor | undefined,
    limit: number,
  ): Promise<InboxEntry[]> {
    return this.page(owner, { unreadOnly: false, box: 'all' }, { order: 'asc', after, limit });
  }

  async deleteOwner(owner: string): Promise<number> {
    const owned = [...this.entries.values()].filter((e) => e.ownerJid === owner);
    owned.forEach((e) => this.entries.delete(entryKey(e.ownerJid, e.remoteJid)));
    return owned.length;
  }

  async countMentions(remote: string): Promise<number> {
    return [...this.entries.values()].filter((e) => e.remoteJid === remote && e.ownerJid !== remote)
      .length;
  }

  private matching(owner: string, filter: InboxFilter): AppliedEntry[] {
    return [...this.entries.values()].filter((entry) => {
      const at = entry.lastAt.getTime() * 1000;
      return (
        entry.ownerJid === owner &&
        (filter.start === undefined || at >= filter.start) &&
        (filter.end === undefined || at <= filter.end) &&
        (!filter.unreadOnly || entry.unreadCount > 0) &&
        (filter.box === 'all' ||
          (filter.box === 'not-bin' ? entry.box !== 'bin' : entry.box === filter.box))
      );
    });
  }
}

function position(entry: InboxEntry): InboxCursor {
  return { at: entry.lastAt.getTime() * 1000, jid: entry.remoteJid };
}

function compare(entry: InboxEntry, cursor: InboxCursor): number {
  const at = entry.lastAt.getTime() * 1000;
  if (at !== cursor.at) {
    return at < cursor.at ? -1 : 1;
  }
  return entry.remoteJid < cursor.jid ? -1 : entry.remoteJid > cursor.jid ? 1 : 0;
}
