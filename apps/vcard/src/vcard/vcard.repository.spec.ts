import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { VcardRepository } from './vcard.repository';

// Against the real PostgreSQL: a database of its own, migrated from scratch and dropped after.
const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `sotto_vcard_spec_${randomBytes(6).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('VcardRepository', () => {
  let dataSource: DataSource;
  let sut: VcardRepository;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    dataSource = new DataSource(dataSourceOptions(url.toString()));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    sut = new VcardRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await admin(`DROP DATABASE IF EXISTS ${database}`);
  });

  it('saves, replaces, finds and deletes one vCard per owner', async () => {
    expect(await sut.find('juliet@example.org')).toBeUndefined();
    await sut.save('juliet@example.org', '<vCard/>');
    await sut.save('juliet@example.org', '<vCard><FN>J</FN></vCard>');
    await sut.save('romeo@example.org', '<vCard><FN>R</FN></vCard>');
    expect(await sut.find('juliet@example.org')).toBe('<vCard><FN>J</FN></vCard>');
    expect(await sut.delete('juliet@example.org')).toBe(true);
    expect(await sut.delete('juliet@example.org')).toBe(false);
    expect(await sut.find('juliet@example.org')).toBeUndefined();
    expect(await sut.find('romeo@example.org')).toBe('<vCard><FN>R</FN></vCard>');
  });

  it('moves updated_at on a replace', async () => {
    await sut.save('mercutio@example.org', '<vCard/>');
    const first = await updatedAt('mercutio@example.org');
    await sut.save('mercutio@example.org', '<vCard><FN>M</FN></vCard>');
    expect((await updatedAt('mercutio@example.org')).getTime()).toBeGreaterThanOrEqual(
      first.getTime(),
    );
  });

  async function updatedAt(jid: string): Promise<Date> {
    const [row] = (await dataSource.query(`SELECT updated_at FROM vcards WHERE owner_jid = $1`, [
      jid,
    ])) as [{ updated_at: Date }];
    return row.updated_at;
  }
});
