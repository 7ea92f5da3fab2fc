import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScratchDatabase } from '@sotto/database';
import type { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { PrivateStorageRepository } from './private-storage.repository';

describe('PrivateStorageRepository', () => {
  let scratch: ScratchDatabase | undefined;
  let dataSource: DataSource;
  let sut: PrivateStorageRepository;

  beforeAll(async () => {
    // Against the real PostgreSQL: a database of its own, migrated from scratch, dropped after.
    scratch = await ScratchDatabase.create('private', dataSourceOptions);
    dataSource = scratch.dataSource;
    sut = new PrivateStorageRepository(dataSource);
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  it('saves, replaces and finds per owner and namespace', async () => {
    expect(await sut.find('juliet@example.org', 'urn:a')).toBeUndefined();
    await sut.save('juliet@example.org', 'urn:a', '<a/>');
    await sut.save('juliet@example.org', 'urn:a', '<a>2</a>');
    await sut.save('juliet@example.org', 'urn:b', '<b/>');
    await sut.save('romeo@example.org', 'urn:a', '<a>R</a>');
    expect(await sut.find('juliet@example.org', 'urn:a')).toBe('<a>2</a>');
    expect(await sut.find('romeo@example.org', 'urn:a')).toBe('<a>R</a>');
  });

  it('pages through an owner’s namespaces in order', async () => {
    for (const ns of ['urn:3', 'urn:1', 'urn:2']) {
      await sut.save('tybalt@example.org', ns, `<x n='${ns}'/>`);
    }
    const first = await sut.page('tybalt@example.org', undefined, 2);
    expect(first.map((f) => f.namespace)).toEqual(['urn:1', 'urn:2']);
    const second = await sut.page('tybalt@example.org', 'urn:2', 2);
    expect(second).toEqual([{ namespace: 'urn:3', xml: "<x n='urn:3'/>" }]);
  });

  it('deletes all of an owner’s rows and no one else’s', async () => {
    await sut.save('mercutio@example.org', 'urn:a', '<a/>');
    await sut.save('mercutio@example.org', 'urn:b', '<b/>');
    await sut.save('benvolio@example.org', 'urn:a', '<a/>');
    expect(await sut.deleteAll('mercutio@example.org')).toBe(2);
    expect(await sut.deleteAll('mercutio@example.org')).toBe(0);
    expect(await sut.page('mercutio@example.org', undefined, 10)).toEqual([]);
    expect(await sut.find('benvolio@example.org', 'urn:a')).toBe('<a/>');
  });
});
