import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScratchDatabase } from '@sotto/database';
import type { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { OfflineMessageRepository, type StoredMessage } from './offline-message.repository';

let seq = 0;
function message(owner: string, sender = 'romeo@example.org/orchard', ageMs = 0): StoredMessage {
  seq += 1;
  return {
    owner,
    id: `0197a000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    sender,
    acceptedAt: new Date(Date.UTC(2025, 5, 1) - ageMs),
    stanza: `<message><body>${seq}</body></message>`,
  };
}

describe('OfflineMessageRepository', () => {
  let scratch: ScratchDatabase | undefined;
  let dataSource: DataSource;
  let sut: OfflineMessageRepository;

  beforeAll(async () => {
    // Against the real PostgreSQL: a database of its own, migrated from scratch, dropped after.
    scratch = await ScratchDatabase.create('offline', dataSourceOptions);
    dataSource = scratch.dataSource;
    sut = new OfflineMessageRepository(dataSource);
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  /** Stores rows for owners that are all active. */
  const insert = (rows: StoredMessage[]) =>
    sut.insertForActive(rows, (owners) => Promise.resolve(new Set(owners)));

  it('inserts a batch once, however often it comes, and pages it in stream order', async () => {
    const batch = [
      message('juliet@example.org'),
      message('juliet@example.org'),
      message('nurse@example.org'),
    ];
    await insert([batch[1]!, batch[0]!, batch[2]!]);
    await insert(batch);
    const page = await sut.page('juliet@example.org', 0, 10);
    expect(page).toEqual([batch[0], batch[1]]);
    expect(await sut.page('juliet@example.org', batch[0]!.seq, 10)).toEqual([batch[1]]);
    expect(
      await sut.countByOwner(['juliet@example.org', 'nurse@example.org', 'x@example.org']),
    ).toEqual(
      new Map([
        ['juliet@example.org', 2],
        ['nurse@example.org', 1],
      ]),
    );
    const ids = await sut.storedIds([
      { owner: 'juliet@example.org', id: batch[0]!.id },
      { owner: 'nurse@example.org', id: batch[0]!.id },
      { owner: 'nurse@example.org', id: batch[2]!.id },
    ]);
    expect([...ids].sort()).toEqual([batch[0]!.id, batch[2]!.id].sort());
  });

  it('removes only the owner’s messages among the ids', async () => {
    const mine = message('tybalt@example.org');
    const theirs = message('benvolio@example.org');
    await insert([mine, theirs]);
    expect(await sut.remove('tybalt@example.org', [mine.id, theirs.id])).toBe(1);
    expect(await sut.remove('tybalt@example.org', [mine.id])).toBe(0);
    expect(await sut.page('benvolio@example.org', 0, 10)).toEqual([theirs]);
  });

  it('deletes expired messages oldest first, at most `limit` at a time', async () => {
    const day = 24 * 3600 * 1000;
    const old = [
      message('mercutio@example.org', undefined, 3 * day),
      message('mercutio@example.org', undefined, 2 * day),
    ];
    const fresh = message('mercutio@example.org');
    await insert([...old, fresh]);
    const cutoff = new Date(Date.UTC(2025, 5, 1) - day);
    expect(await sut.deleteAcceptedBefore(cutoff, 1)).toBe(1);
    expect(await sut.deleteAcceptedBefore(cutoff, 10)).toBe(1);
    expect(await sut.deleteAcceptedBefore(cutoff, 10)).toBe(0);
    expect(await sut.page('mercutio@example.org', 0, 10)).toEqual([fresh]);
  });

  it('deletes everything of an owner and counts what an account sent to others', async () => {
    await insert([
      message('paris@example.org', 'capulet@example.org/a'),
      message('paris@example.org', 'capulet@example.org/b'),
      message('capulet@example.org', 'capulet@example.org/a'),
      message('lawrence@example.org', 'capulet@example.org/c'),
    ]);
    expect(await sut.countSentBy('capulet@example.org')).toBe(3);
    expect(await sut.deleteAll('capulet@example.org')).toBe(1);
    expect(await sut.deleteAll('capulet@example.org')).toBe(0);
    expect(await sut.countSentBy('capulet@example.org')).toBe(3);
  });

  it('stores only for the owners still active, asked in the same transaction', async () => {
    const batch = [message('active@example.org'), message('erasing@example.org')];
    const active = await sut.insertForActive(batch, async (owners) => {
      expect(owners.sort()).toEqual(['active@example.org', 'erasing@example.org']);
      return new Set(['active@example.org']);
    });
    expect([...active]).toEqual(['active@example.org']);
    expect(await sut.page('active@example.org', 0, 10)).toEqual([batch[0]]);
    expect(await sut.page('erasing@example.org', 0, 10)).toEqual([]);
  });

  it('makes a forget wait for a store that found its owner active, then deletes what it stored', async () => {
    const owner = 'tybalt@example.org';
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    let asked!: () => void;
    const question = new Promise<void>((resolve) => (asked = resolve));
    const storing = sut.insertForActive([message(owner)], async (owners) => {
      asked();
      await answered;
      return new Set(owners);
    });
    await question;
    // The erasure's forget comes while the store waits for its answer: it either waits for the
    // owner's lock (then the store's row is there to delete), or runs through at once.
    const forgetting = sut.deleteAll(owner);
    await scratch!.untilWaitingForLock(forgetting);
    answer();
    await storing;
    expect(await forgetting).toBe(1);
    expect(await sut.page(owner, 0, 10)).toEqual([]);
  });

  it('grants one delivery lease per owner at a time, renewable by its holder', async () => {
    const [a, b] = ['0197a000-0000-7000-8000-0000000000aa', '0197a000-0000-7000-8000-0000000000bb'];
    const owner = 'tybalt@example.org';
    const results = await Promise.all([sut.lease(owner, a, 30_000), sut.lease(owner, b, 30_000)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const [holder, other] = results[0] ? [a, b] : [b, a];
    expect(await sut.lease(owner, holder, 30_000)).toBe(true);
    expect(await sut.lease(owner, other, 30_000)).toBe(false);
    await sut.release(owner, other);
    expect(await sut.lease(owner, other, 30_000)).toBe(false);
    await sut.release(owner, holder);
    expect(await sut.lease(owner, other, 30_000)).toBe(true);
  });

  it('lets an expired lease be taken over, swept, and erased with the owner', async () => {
    const owner = 'mercutio@example.org';
    const [a, b] = ['0197a000-0000-7000-8000-0000000000aa', '0197a000-0000-7000-8000-0000000000bb'];
    expect(await sut.lease(owner, a, 0)).toBe(true);
    await new Promise((done) => setTimeout(done, 5));
    expect(await sut.lease(owner, b, 0)).toBe(true);
    await new Promise((done) => setTimeout(done, 5));
    expect(await sut.deleteExpiredLeases()).toBeGreaterThanOrEqual(1);
    expect(await sut.lease(owner, a, 30_000)).toBe(true);
    await sut.deleteAll(owner);
    expect(await sut.lease(owner, b, 30_000)).toBe(true);
  });
});
