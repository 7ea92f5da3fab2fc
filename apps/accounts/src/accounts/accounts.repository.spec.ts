import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScratchDatabase } from '@sotto/database';
import type { DataSource } from 'typeorm';
import { deriveCredentials } from '@sotto/scram';
import { dataSourceOptions } from '../database/data-source';
import { AccountsRepository, type CredentialSet } from './accounts.repository';

function credentials(password: string): CredentialSet {
  return {
    'SCRAM-SHA-1': deriveCredentials(password, 'sha1', 4096),
    'SCRAM-SHA-256': deriveCredentials(password, 'sha256', 4096),
  };
}

describe('AccountsRepository', () => {
  let scratch: ScratchDatabase | undefined;
  let dataSource: DataSource;
  let sut: AccountsRepository;

  beforeAll(async () => {
    // Against the real PostgreSQL: a database of its own, migrated from scratch, dropped after.
    scratch = await ScratchDatabase.create('accounts', dataSourceOptions);
    dataSource = scratch.dataSource;
    sut = new AccountsRepository(dataSource);
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  it('finds the account record, without credentials', async () => {
    await sut.insert('juliet@example.org', credentials('pencil'));
    const record = await sut.findAccount('juliet@example.org');
    expect(Object.keys(record ?? {}).sort()).toEqual(['createdAt', 'jid']);
    expect(record?.createdAt).toBeInstanceOf(Date);
    expect(await sut.findAccount('romeo@example.org')).toBeNull();
  });

  it('tells an enabled account', async () => {
    await sut.insert('benvolio@example.org', credentials('pencil'));
    expect(await sut.isEnabled('benvolio@example.org')).toBe(true);
  });

  it('disables once: no credentials, no password change, still existing', async () => {
    await sut.insert('mercutio@example.org', credentials('pencil'));
    expect(await sut.disable('mercutio@example.org')).toBe(true);
    const first = await disabledAt('mercutio@example.org');
    expect(await sut.disable('mercutio@example.org')).toBe(true);
    // The first time is kept.
    expect(await disabledAt('mercutio@example.org')).toEqual(first);
    expect(await sut.findCredentials('mercutio@example.org', 'SCRAM-SHA-256')).toBeNull();
    expect(await sut.replaceCredentials('mercutio@example.org', credentials('x'))).toBe(false);
    expect(await sut.exists('mercutio@example.org')).toBe(true);
    expect(await sut.isEnabled('mercutio@example.org')).toBe(false);
    expect(await sut.disable('romeo@example.org')).toBe(false);
    expect(await sut.isEnabled('romeo@example.org')).toBe(false);
  });

  it('deletes a disabled account with its credentials', async () => {
    await sut.insert('tybalt@example.org', credentials('pencil'));
    await sut.disable('tybalt@example.org');
    expect(await sut.delete('tybalt@example.org')).toBe(true);
    expect(await sut.delete('tybalt@example.org')).toBe(false);
    const [{ count }] = (await dataSource.query(
      `SELECT count(*)::int AS count FROM scram_credentials c
       WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = c.account_id)`,
    )) as [{ count: number }];
    expect(count).toBe(0);
  });

  async function disabledAt(jid: string): Promise<Date | null> {
    const [row] = (await dataSource.query(`SELECT disabled_at FROM accounts WHERE jid = $1`, [
      jid,
    ])) as [{ disabled_at: Date | null }];
    return row.disabled_at;
  }
});
