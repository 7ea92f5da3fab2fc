import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScratchDatabase } from '@sotto/database';
import type { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { entryKey, type AppliedEntry, type Box } from './inbox-entry';
import type { InboxFilter } from './inbox-filter';
import { InboxRepository } from './inbox.repository';

const owner = 'juliet@example.org';
const base = Date.UTC(2026, 0, 1);
let seq = 0;

function entry(remote: string, minute: number, changes: Partial<AppliedEntry> = {}): AppliedEntry {
  seq++;
  return {
    ownerJid: owner,
    remoteJid: remote,
    content: `<message xmlns='jabber:client' id='m${seq}'><body>${remote}</body></message>`,
    msgId: `m${seq}`,
    stanzaId: `0190a000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    lastAt: new Date(base + minute * 60_000),
    unreadCount: 0,
    box: 'inbox',
    mutedUntil: null,
    appliedSeq: seq,
    appliedEventId: `0190a000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    ...changes,
  };
}

const all: InboxFilter = { unreadOnly: false, box: 'all' };
const micros = (minute: number) => (base + minute * 60_000) * 1000;

describe('InboxRepository', () => {
  let scratch: ScratchDatabase | undefined;
  let dataSource: DataSource;
  let sut: InboxRepository;

  beforeAll(async () => {
    // Against the real PostgreSQL: a database of its own, migrated from scratch, dropped after.
    scratch = await ScratchDatabase.create('inbox', dataSourceOptions);
    dataSource = scratch.dataSource;
    sut = new InboxRepository(dataSource);
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  beforeEach(async () => {
    await dataSource.query('DELETE FROM inbox_entries');
  });

  async function write(...entries: AppliedEntry[]): Promise<void> {
    await sut.applyBatch(
      entries.map((e) => [e.ownerJid, e.remoteJid]),
      () => entries,
    );
  }

  describe('applyBatch', () => {
    it('hands the fold the existing entries and upserts what it returns, in one go', async () => {
      const romeo = entry('romeo@example.org', 1, { unreadCount: 2 });
      await write(romeo);
      let seen: ReadonlyMap<string, AppliedEntry> | undefined;
      const written = await sut.applyBatch(
        [
          [owner, 'romeo@example.org'],
          [owner, 'nurse@example.org'],
        ],
        (current) => {
          seen = current;
          const before = current.get(entryKey(owner, 'romeo@example.org'))!;
          return [
            { ...before, unreadCount: before.unreadCount + 1, appliedSeq: 99 },
            entry('nurse@example.org', 2, { mutedUntil: new Date(base), box: 'archive' }),
          ];
        },
      );
      expect(written).toBe(2);
      expect([...seen!.values()]).toEqual([romeo]);
      expect(await sut.find(owner, 'romeo@example.org')).toMatchObject({ unreadCount: 3 });
      expect(await sut.find(owner, 'nurse@example.org')).toMatchObject({
        box: 'archive',
        mutedUntil: new Date(base),
        msgId: expect.stringMatching(/^m\d+$/) as string,
      });
      const [row] = (await dataSource.query(
        `SELECT applied_seq FROM inbox_entries WHERE remote_jid = 'romeo@example.org'`,
      )) as { applied_seq: string }[];
      expect(row.applied_seq).toBe('99');
    });

    it('writes nothing when the fold fails', async () => {
      await expect(
        sut.applyBatch([[owner, 'romeo@example.org']], () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await sut.find(owner, 'romeo@example.org')).toBeUndefined();
    });
  });

  describe('page and totals', () => {
    beforeEach(async () => {
      await write(
        entry('a@example.org', 1, { unreadCount: 1 }),
        entry('b@example.org', 2),
        entry('c@example.org', 3, { unreadCount: 4, box: 'archive' }),
        entry('d@example.org', 3),
        entry('e@example.org', 5, { box: 'bin', unreadCount: 1 }),
        { ...entry('romeo@example.org', 9, { unreadCount: 7 }), ownerJid: 'nurse@example.org' },
      );
    });

    const remotes = async (filter: InboxFilter, order: 'asc' | 'desc' = 'desc', limit = 10) =>
      (await sut.page(owner, filter, { order, limit })).map((e) => e.remoteJid[0]);

    it('orders by time, then JID, both ways, and only the owner’s', async () => {
      expect(await remotes(all)).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(await remotes(all, 'asc')).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await remotes(all, 'desc', 2)).toEqual(['e', 'd']);
    });

    it('filters by time (inclusive), unread and box', async () => {
      expect(await remotes({ ...all, start: micros(2), end: micros(3) })).toEqual(['d', 'c', 'b']);
      expect(await remotes({ ...all, unreadOnly: true })).toEqual(['e', 'c', 'a']);
      expect(await remotes({ ...all, box: 'not-bin' })).toEqual(['d', 'c', 'b', 'a']);
      for (const box of ['inbox', 'archive', 'bin'] as Box[]) {
        expect((await remotes({ ...all, box })).length).toBeGreaterThan(0);
      }
      expect(await remotes({ ...all, box: 'archive' })).toEqual(['c']);
    });

    it('pages strictly past a cursor, ties broken by JID', async () => {
      const after = { at: micros(3), jid: 'd@example.org' };
      const page = (order: 'asc' | 'desc') => sut.page(owner, all, { order, after, limit: 10 });
      expect((await page('desc')).map((e) => e.remoteJid[0])).toEqual(['c', 'b', 'a']);
      expect((await page('asc')).map((e) => e.remoteJid[0])).toEqual(['e']);
    });

    it('totals every matching entry', async () => {
      expect(await sut.totals(owner, all)).toEqual({ count: 5, unread: 6, active: 3 });
      expect(await sut.totals(owner, { ...all, box: 'not-bin' })).toEqual({
        count: 4,
        unread: 5,
        active: 2,
      });
      expect(await sut.totals('nobody@example.org', all)).toEqual({
        count: 0,
        unread: 0,
        active: 0,
      });
    });
  });

  describe('conversation requests', () => {
    it('resets, reads, unreads, boxes and mutes one entry', async () => {
      await write(entry('romeo@example.org', 1, { unreadCount: 3 }));
      await sut.resetUnread(owner, 'romeo@example.org');
      expect((await sut.find(owner, 'romeo@example.org'))?.unreadCount).toBe(0);
      expect(await sut.updateProperties(owner, 'romeo@example.org', { read: false })).toMatchObject(
        { unreadCount: 1 },
      );
      const until = new Date(base + 3_600_000);
      expect(
        await sut.updateProperties(owner, 'romeo@example.org', {
          box: 'archive',
          mutedUntil: until,
          read: true,
        }),
      ).toMatchObject({ box: 'archive', mutedUntil: until, unreadCount: 0 });
      expect(
        await sut.updateProperties(owner, 'tybalt@example.org', { read: true }),
      ).toBeUndefined();
      await sut.resetUnread(owner, 'tybalt@example.org');
    });

    it('empties one owner’s bin, and expired bins', async () => {
      await write(
        entry('a@example.org', 1, { box: 'bin' }),
        entry('b@example.org', 2),
        { ...entry('c@example.org', 1, { box: 'bin' }), ownerJid: 'nurse@example.org' },
        { ...entry('d@example.org', 10, { box: 'bin' }), ownerJid: 'nurse@example.org' },
      );
      expect(await sut.emptyBin(owner)).toBe(1);
      expect(await sut.emptyBin(owner)).toBe(0);
      expect(await sut.deleteBinnedBefore(new Date(base + 5 * 60_000))).toBe(1);
      expect(await sut.find('nurse@example.org', 'd@example.org')).toBeDefined();
      expect(await sut.find(owner, 'b@example.org')).toBeDefined();
    });
  });

  describe('GDPR', () => {
    it('collects pages oldest first, deletes the owner’s entries and counts others’', async () => {
      await write(
        entry('romeo@example.org', 2),
        entry('nurse@example.org', 1),
        { ...entry(owner, 3), ownerJid: 'romeo@example.org' },
        { ...entry(owner, 3), ownerJid: owner },
      );
      const first = await sut.collect(owner, undefined, 2);
      expect(first.map((e) => e.remoteJid)).toEqual(['nurse@example.org', 'romeo@example.org']);
      const cursor = { at: first[1].lastAt.getTime() * 1000, jid: first[1].remoteJid };
      expect((await sut.collect(owner, cursor, 2)).map((e) => e.remoteJid)).toEqual([owner]);

      expect(await sut.countMentions(owner)).toBe(1);
      expect(await sut.deleteOwner(owner)).toBe(3);
      expect(await sut.deleteOwner(owner)).toBe(0);
      expect(await sut.find('romeo@example.org', owner)).toBeDefined();
      expect(await sut.countMentions(owner)).toBe(1);
    });
  });
});
