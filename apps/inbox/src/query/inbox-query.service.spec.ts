import { describe, it, expect, beforeEach } from 'vitest';
import type { InboxEntry } from '../inbox/inbox-entry';
import type { InboxFilter } from '../inbox/inbox-filter';
import { InMemoryInboxStore } from '../testing/in-memory-inbox.store';
import type { InboxQuery } from './inbox-query';
import { InboxQueryService } from './inbox-query.service';

const owner = 'juliet@example.org';
const base = Date.UTC(2026, 0, 1);
const all: InboxFilter = { unreadOnly: false, box: 'not-bin' };

function entry(letter: string, minute: number, changes: Partial<InboxEntry> = {}): InboxEntry {
  return {
    ownerJid: owner,
    remoteJid: `${letter}@example.org`,
    content: `<message xmlns='jabber:client'><body>${letter}</body></message>`,
    msgId: letter,
    stanzaId: `0190a000-0000-7000-8000-00000000000${minute}`,
    lastAt: new Date(base + minute * 60_000),
    unreadCount: 0,
    box: 'inbox',
    mutedUntil: null,
    ...changes,
  };
}

const letters = (entries: InboxEntry[]) => entries.map((e) => e.remoteJid[0]).join('');
const at = (e: InboxEntry) => ({ at: e.lastAt.getTime() * 1000, jid: e.remoteJid });

describe('InboxQueryService', () => {
  let store: InMemoryInboxStore;
  let sut: InboxQueryService;
  const query = (changes: Partial<InboxQuery>) =>
    sut.query(owner, { filter: all, order: 'desc', limit: 10, ...changes });

  beforeEach(() => {
    store = new InMemoryInboxStore();
    sut = new InboxQueryService(store);
    // a…e one minute apart; f in the bin; another owner's entry.
    ['a', 'b', 'c', 'd', 'e'].forEach((letter, i) =>
      store.put(entry(letter, i + 1, { unreadCount: i % 2 })),
    );
    store.put(entry('f', 9, { box: 'bin', unreadCount: 5 }));
    store.put({ ...entry('g', 3), ownerJid: 'romeo@example.org' });
  });

  it('lists newest first and totals the filtered inbox, not the page', async () => {
    const page = await query({ limit: 2 });
    expect(letters(page.entries)).toBe('ed');
    expect(page.totals).toEqual({ count: 5, unread: 2, active: 2 });
  });

  it('filters by unread and by time', async () => {
    const unread = await query({ filter: { ...all, unreadOnly: true } });
    expect(letters(unread.entries)).toBe('db');
    expect(unread.totals.count).toBe(2);
    const window = await query({
      filter: { ...all, start: (base + 2 * 60_000) * 1000, end: (base + 4 * 60_000) * 1000 },
      order: 'asc',
    });
    expect(letters(window.entries)).toBe('bcd');
  });

  it('pages forwards with after, and backwards with before, in the asked order', async () => {
    const first = await query({ limit: 2 });
    const second = await query({ limit: 2, after: at(first.entries[1]) });
    expect(letters(second.entries)).toBe('cb');
    const third = await query({ limit: 2, after: at(second.entries[1]) });
    expect(letters(third.entries)).toBe('a');
    // Back from the third page: the two entries just before it, still newest first.
    const back = await query({ limit: 2, before: at(third.entries[0]) });
    expect(letters(back.entries)).toBe('cb');
    // Ascending: after goes to newer ones.
    expect(
      letters((await query({ order: 'asc', limit: 2, after: at(first.entries[1]) })).entries),
    ).toBe('e');
  });

  it('gives the last page for an empty before', async () => {
    expect(letters((await query({ limit: 2, before: null })).entries)).toBe('ba');
    expect(letters((await query({ order: 'asc', limit: 2, before: null })).entries)).toBe('de');
  });

  it('reads no entries for max 0, but the totals', async () => {
    const page = await query({ limit: 0 });
    expect(page.entries).toEqual([]);
    expect(page.totals.count).toBe(5);
  });

  it('ends a page early rather than pass what one reply can carry', async () => {
    const big = 'x'.repeat(300_000);
    for (const letter of ['a', 'b', 'c', 'd']) {
      store.get(owner, `${letter}@example.org`)!.content = `<message><body>${big}</body></message>`;
    }
    expect(letters((await query({})).entries)).toBe('edc');
    // Backwards, the entries nearest the position are kept.
    expect(letters((await query({ before: null })).entries)).toBe('ba');
  });
});
