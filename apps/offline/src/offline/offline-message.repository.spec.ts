import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { OfflineMessageRepository, type StoredMessage } from './offline-message.repository';

// Against the real PostgreSQL: a database of its own, migrated from scratch and dropped after.
const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `sotto_offline_spec_${randomBytes(6).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

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
  let dataSource: DataSource;
  let sut: OfflineMessageRepository;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    dataSource = new DataSource(dataSourceOptions(url.toString()));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    sut = new OfflineMessageRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await admin(`DROP DATABASE IF EXISTS ${database}`);
  });

  it('inserts a batch once, however often it comes, and pages it in stream order', async () => {
    const batch = [
      message('juliet@example.org'),
      message('juliet@example.org'),
      message('nurse@example.org'),
    ];
    await sut.insert([batch[1]!, batch[0]!, batch[2]!]);
    await sut.insert(batch);
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
    await sut.insert([mine, theirs]);
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
    await sut.insert([...old, fresh]);
    const cutoff = new Date(Date.UTC(2025, 5, 1) - day);
    expect(await sut.deleteAcceptedBefore(cutoff, 1)).toBe(1);
    expect(await sut.deleteAcceptedBefore(cutoff, 10)).toBe(1);
    expect(await sut.deleteAcceptedBefore(cutoff, 10)).toBe(0);
    expect(await sut.page('mercutio@example.org', 0, 10)).toEqual([fresh]);
  });

  it('deletes everything of an owner and counts what an account sent to others', async () => {
    await sut.insert([
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
});
