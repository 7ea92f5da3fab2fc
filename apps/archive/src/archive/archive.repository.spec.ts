import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScratchDatabase } from '@sotto/database';
import type { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { PrefsRepository } from '../prefs/prefs.repository';
import type { ArchiveRow } from './archive-row';
import { ArchiveRepository } from './archive.repository';

const juliet = 'juliet@example.org';
const romeo = 'romeo@example.org';
const nurse = 'nurse@example.org';
const t0 = Date.parse('2024-05-01T10:00:00Z');

// Time-ordered ids, as the gateway's UUID v7 are.
function id(n: number): string {
  return `018f0f6e-0000-7000-8000-${String(n).padStart(12, '0')}`;
}

function row(n: number, owner: string, other: string, resource: string | null = null): ArchiveRow {
  return {
    ownerJid: owner,
    id: id(n),
    sentAt: new Date(t0 + n * 60_000),
    withJid: other,
    withResource: resource,
    direction: n % 2 === 0 ? 'out' : 'in',
    stanza: `<message xmlns='jabber:client'><body>${n}</body></message>`,
  };
}

describe('ArchiveRepository', () => {
  let scratch: ScratchDatabase | undefined;
  let dataSource: DataSource;
  let sut: ArchiveRepository;
  let prefs: PrefsRepository;

  beforeAll(async () => {
    // Against the real PostgreSQL: a database of its own, migrated from scratch, dropped after.
    scratch = await ScratchDatabase.create('archive', dataSourceOptions);
    dataSource = scratch.dataSource;
    sut = new ArchiveRepository(dataSource);
    prefs = new PrefsRepository(dataSource);
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE archived_messages, archive_prefs');
    // Juliet's archive: 1-4 with Romeo (3 from his phone), 5 with the nurse, 6 to herself;
    // Romeo's copies of 1-4 and the nurse's copy of 5.
    await sut.insert([
      row(1, juliet, romeo, 'orchard'),
      row(2, juliet, romeo),
      row(3, juliet, romeo, 'phone'),
      row(4, juliet, romeo),
      row(5, juliet, nurse),
      row(6, juliet, juliet),
      ...[1, 2, 3, 4].map((n) => row(n, romeo, juliet, 'balcony')),
      row(5, nurse, juliet),
    ]);
  });

  it('writes each row once, however often it is written', async () => {
    expect(await sut.insert([row(1, juliet, romeo), row(7, juliet, romeo)])).toBe(1);
    expect(await sut.count(juliet, {})).toBe(7);
  });

  it('pages forward and backward in archive order, within one owner', async () => {
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    expect(ids(await sut.page(juliet, {}, { max: 3, direction: 'forward' }, 3))).toEqual([
      id(1),
      id(2),
      id(3),
    ]);
    expect(
      ids(await sut.page(juliet, {}, { max: 2, direction: 'forward', cursor: id(4) }, 2)),
    ).toEqual([id(5), id(6)]);
    expect(ids(await sut.page(juliet, {}, { max: 2, direction: 'backward' }, 2))).toEqual([
      id(6),
      id(5),
    ]);
    expect(
      ids(await sut.page(juliet, {}, { max: 9, direction: 'backward', cursor: id(2) }, 9)),
    ).toEqual([id(1)]);
    const [first] = await sut.page(romeo, {}, { max: 1, direction: 'forward' }, 1);
    expect(first).toEqual({
      id: id(1),
      sentAt: new Date(t0 + 60_000),
      stanza: row(1, romeo, juliet).stanza,
    });
  });

  it('filters by bare and full JID, time, ids and id bounds, and counts the filtered set', async () => {
    const forward = { max: 10, direction: 'forward' } as const;
    const ids = async (filter: Parameters<ArchiveRepository['page']>[1]) =>
      (await sut.page(juliet, filter, forward, 10)).map((r) => r.id);
    expect(await ids({ with: { bare: romeo } })).toEqual([id(1), id(2), id(3), id(4)]);
    expect(await ids({ with: { bare: romeo, resource: 'phone' } })).toEqual([id(3)]);
    expect(await ids({ with: { bare: juliet } })).toEqual([id(6)]);
    expect(await ids({ start: new Date(t0 + 2 * 60_000), end: new Date(t0 + 4 * 60_000) })).toEqual(
      [id(2), id(3), id(4)],
    );
    expect(await ids({ afterId: id(2), beforeId: id(5) })).toEqual([id(3), id(4)]);
    expect(await ids({ ids: [id(5), id(1), id(9)] })).toEqual([id(1), id(5)]);
    expect(await sut.count(juliet, { with: { bare: romeo } })).toBe(4);
    expect(await sut.count(juliet, { afterId: id(4) })).toBe(2);
  });

  it('tells which ids the owner holds', async () => {
    expect(await sut.existing(nurse, [id(5), id(1)])).toEqual(new Set([id(5)]));
  });

  it('knows the first and last message of an archive', async () => {
    expect(await sut.bounds(romeo)).toMatchObject({
      first: { id: id(1), sentAt: new Date(t0 + 60_000) },
      last: { id: id(4), sentAt: new Date(t0 + 4 * 60_000) },
    });
    expect(await sut.bounds('nobody@example.org')).toBeUndefined();
  });

  it('collects an owner’s archive as NDJSON from the database, with the sender as from', async () => {
    // Characters JSON must escape or may leave as they are, in the stanza and in a resource.
    const awkward = {
      ...row(7, juliet, nurse, 'Ä "quoted" \\ 😀'),
      stanza:
        `<message xmlns='jabber:client'><body>"q" \\ line\nbreak\ttab\r` +
        `\u0001\u0002\u001f\u007f é 😀 \u2028 </ & ></body></message>`,
    };
    await sut.insert([awkward]);
    const message = (n: number) => row(n, juliet, romeo).stanza;
    // Exactly the lines JSON.stringify gives, keys in column order, in archive order.
    const expected = [
      // 1 and 3 came in (from Romeo's resources), 2 and 4 were sent by Juliet.
      { id: id(1), from: `${romeo}/orchard`, message: message(1) },
      { id: id(2), from: juliet, message: message(2) },
      { id: id(3), from: `${romeo}/phone`, message: message(3) },
      { id: id(4), from: juliet, message: message(4) },
      { id: id(5), from: nurse, message: message(5) },
      { id: id(6), from: juliet, message: message(6) },
      { id: id(7), from: `${nurse}/Ä "quoted" \\ 😀`, message: awkward.stanza },
    ];
    const collected: Buffer[] = [];
    for await (const chunk of sut.collectNdjson(juliet)) {
      collected.push(chunk);
    }
    expect(Buffer.concat(collected).toString('utf8')).toBe(
      expected.map((r) => `${JSON.stringify(r)}\n`).join(''),
    );
    const none: Buffer[] = [];
    for await (const chunk of sut.collectNdjson("nobody@example.org' OR ''='")) {
      none.push(chunk);
    }
    expect(Buffer.concat(none).length).toBe(0);
  });

  it('gives its connection up when a collect is stopped half way', async () => {
    const many = Array.from({ length: 3000 }, (_, n) => row(1000 + n, romeo, juliet));
    await sut.insert(many);
    for await (const chunk of sut.collectNdjson(romeo)) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    // The pool still answers: no connection was left in the middle of a COPY.
    expect((await sut.bounds(romeo))?.first.id).toBe(id(1));
    let lines = 0;
    for await (const chunk of sut.collectNdjson(romeo)) {
      lines += chunk.toString('utf8').split('\n').length - 1;
    }
    expect(lines).toBe(4 + 3000);
  });

  it('deletes one owner’s archive and counts the copies others keep', async () => {
    expect(await sut.countHeldByOthers(juliet)).toBe(5);
    expect(await sut.deleteOwner(juliet)).toBe(6);
    expect(await sut.deleteOwner(juliet)).toBe(0);
    expect(await sut.count(juliet, {})).toBe(0);
    expect(await sut.count(romeo, {})).toBe(4);
    expect(await sut.countHeldByOthers(juliet)).toBe(5);
  });

  it('deletes old messages in batches, oldest rows only', async () => {
    const cutoff = new Date(t0 + 3.5 * 60_000);
    // Rows 1-3 of Juliet and Romeo: 6 rows older than the cutoff.
    expect(await sut.deleteOlderThan(cutoff, 4)).toBe(4);
    expect(await sut.deleteOlderThan(cutoff, 4)).toBe(2);
    expect(await sut.deleteOlderThan(cutoff, 4)).toBe(0);
    expect(await sut.count(juliet, {})).toBe(3);
    expect(await sut.count(romeo, {})).toBe(1);
  });

  it('clusters past rows by owner, whole owners per batch, without changing what reads see', async () => {
    const before = await sut.page(juliet, {}, { max: 10, direction: 'forward' }, 10);
    // Rows 1-4 are before the cutoff; 5 and 6 stay as they are.
    const cutoff = new Date(t0 + 4.5 * 60_000);
    // One row's worth asks for one owner: Juliet, all four of her rows.
    expect(await sut.cluster(cutoff, '', 1)).toEqual({ moved: 4, lastOwner: juliet });
    expect(await sut.cluster(cutoff, juliet, 1)).toEqual({ moved: 4, lastOwner: romeo });
    expect(await sut.cluster(cutoff, romeo, 1)).toEqual({ moved: 0, lastOwner: null });
    const layout = await dataSource.query<{ owner_jid: string; clustered: boolean }[]>(
      `SELECT owner_jid, clustered FROM archived_messages ORDER BY ctid`,
    );
    // Each owner's clustered rows side by side, after the rows left alone.
    expect(layout.filter((row) => row.clustered).map((row) => row.owner_jid)).toEqual([
      ...Array<string>(4).fill(juliet),
      ...Array<string>(4).fill(romeo),
    ]);
    expect(await sut.page(juliet, {}, { max: 10, direction: 'forward' }, 10)).toEqual(before);
    // A redelivered message is still written once.
    expect(await sut.insert([row(1, juliet, romeo)])).toBe(0);
    expect(await sut.count(juliet, {})).toBe(6);
    expect(await sut.deleteOwner(juliet)).toBe(6);
  });

  it('stores, finds and deletes preferences', async () => {
    await prefs.save(juliet, { defaultMode: 'roster', always: [romeo], never: [nurse] });
    await prefs.save(romeo, { defaultMode: 'never', always: [], never: [] });
    await prefs.save(romeo, { defaultMode: 'always', always: [], never: [] });
    expect(await prefs.find(juliet)).toEqual({
      defaultMode: 'roster',
      always: [romeo],
      never: [nurse],
    });
    expect([...(await prefs.findMany([juliet, romeo, nurse])).keys()].sort()).toEqual([
      juliet,
      romeo,
    ]);
    expect((await prefs.findMany([romeo])).get(romeo)?.defaultMode).toBe('always');
    expect(await prefs.delete(juliet)).toBe(true);
    expect(await prefs.delete(juliet)).toBe(false);
    expect(await prefs.find(juliet)).toBeUndefined();
  });
});
