import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScratchDatabase } from '@sotto/database';
import type { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { VcardRepository } from './vcard.repository';

describe('VcardRepository', () => {
  let scratch: ScratchDatabase | undefined;
  let dataSource: DataSource;
  let sut: VcardRepository;

  beforeAll(async () => {
    // Against the real PostgreSQL: a database of its own, migrated from scratch, dropped after.
    scratch = await ScratchDatabase.create('vcard', dataSourceOptions);
    dataSource = scratch.dataSource;
    sut = new VcardRepository(dataSource);
  });

  afterAll(async () => {
    await scratch?.drop();
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
