import { describe, it, expect, beforeEach } from 'vitest';
import type { CollectedPage } from '@sotto/gdpr';
import type { StoredFragment } from '../private-storage/private-storage.repository';
import { PrivateGdprProvider, type PrivateRecords } from './private-gdpr.provider';

class FakePrivateRecords implements PrivateRecords {
  readonly rows: { owner: string; namespace: string; xml: string }[] = [];
  async page(owner: string, after: string | undefined, limit: number): Promise<StoredFragment[]> {
    return this.rows
      .filter((row) => row.owner === owner && (after === undefined || row.namespace > after))
      .sort((a, b) => (a.namespace < b.namespace ? -1 : 1))
      .slice(0, limit)
      .map(({ namespace, xml }) => ({ namespace, xml }));
  }
  async deleteAll(owner: string): Promise<number> {
    const before = this.rows.length;
    this.rows.splice(0, before, ...this.rows.filter((row) => row.owner !== owner));
    return before - this.rows.length;
  }
}

async function collected(pages: AsyncIterable<CollectedPage>): Promise<CollectedPage[]> {
  const all: CollectedPage[] = [];
  for await (const page of pages) {
    all.push(page);
  }
  return all;
}

describe('PrivateGdprProvider', () => {
  let records: FakePrivateRecords;
  let sut: PrivateGdprProvider;

  beforeEach(() => {
    records = new FakePrivateRecords();
    records.rows.push(
      { owner: 'juliet@example.org', namespace: 'storage:bookmarks', xml: '<storage/>' },
      { owner: 'juliet@example.org', namespace: 'exodus:prefs', xml: '<exodus/>' },
      { owner: 'romeo@example.org', namespace: 'exodus:prefs', xml: '<exodus>R</exodus>' },
    );
    sut = new PrivateGdprProvider(records);
  });

  describe('collect', () => {
    it('yields the subject’s rows only, as ns and xml', async () => {
      expect(await collected(sut.collect('Juliet@example.org'))).toEqual([
        {
          dataset: 'private',
          rows: [
            { ns: 'exodus:prefs', xml: '<exodus/>' },
            { ns: 'storage:bookmarks', xml: '<storage/>' },
          ],
        },
      ]);
    });

    it('pages through many namespaces, each row once', async () => {
      for (let i = 0; i < 250; i++) {
        records.rows.push({
          owner: 'tybalt@example.org',
          namespace: `urn:${1000 + i}`,
          xml: '<x/>',
        });
      }
      const pages = await collected(sut.collect('tybalt@example.org'));
      expect(pages.map((page) => page.rows.length)).toEqual([100, 100, 50]);
      expect(new Set(pages.flatMap((page) => page.rows.map((row) => row.ns))).size).toBe(250);
    });

    it('yields nothing for a subject without data or that does not prepare', async () => {
      expect(await collected(sut.collect('tybalt@example.org'))).toEqual([]);
      expect(await collected(sut.collect('ju\u0000liet@example.org'))).toEqual([]);
    });
  });

  describe('forget', () => {
    it('deletes every row of the subject and none of another', async () => {
      expect(await sut.forget('juliet@example.org')).toEqual([
        { name: 'private', deleted: 2, kept: 0 },
      ]);
      expect(records.rows.map((row) => row.owner)).toEqual(['romeo@example.org']);
    });

    it('is idempotent, and reports 0 for a subject that does not prepare', async () => {
      await sut.forget('juliet@example.org');
      expect(await sut.forget('juliet@example.org')).toEqual([
        { name: 'private', deleted: 0, kept: 0 },
      ]);
      expect(await sut.forget('ju\u0000liet@example.org')).toEqual([
        { name: 'private', deleted: 0, kept: 0 },
      ]);
    });
  });
});
