import { describe, it, expect, beforeEach } from 'vitest';
import type { ProvidedPage } from '@sotto/gdpr';
import type { ArchivePrefs } from '../prefs/archive-prefs';
import {
  ArchiveGdprProvider,
  KEPT_REASON,
  type ArchiveRecords,
  type PrefsRecords,
} from './archive-gdpr.provider';

const juliet = 'juliet@example.org';

/** One `mam_pm` row of the export: what the repository's NDJSON lines hold. */
interface CollectedMessage {
  id: string;
  from: string;
  message: string;
}

function id(n: number): string {
  return `018f0f6e-0000-7000-8000-${String(n).padStart(12, '0')}`;
}

class FakeArchive implements ArchiveRecords {
  readonly owned = new Map<string, CollectedMessage[]>();
  heldByOthers = 0;
  /** Chunks of 1000 bytes, cut anywhere, as the database's COPY cuts them. */
  chunkBytes = 1000;
  async *collectNdjson(owner: string) {
    const text = (this.owned.get(owner) ?? []).map((row) => `${JSON.stringify(row)}\n`).join('');
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += this.chunkBytes) {
      yield await Promise.resolve(bytes.subarray(at, at + this.chunkBytes));
    }
  }
  async deleteOwner(owner: string) {
    const count = this.owned.get(owner)?.length ?? 0;
    this.owned.delete(owner);
    return count;
  }
  async countHeldByOthers() {
    return this.heldByOthers;
  }
}

class FakePrefs implements PrefsRecords {
  readonly saved = new Map<string, ArchivePrefs>();
  async find(owner: string) {
    return this.saved.get(owner);
  }
  async delete(owner: string) {
    return this.saved.delete(owner);
  }
}

async function collected(pages: AsyncIterable<ProvidedPage>): Promise<ProvidedPage[]> {
  const all: ProvidedPage[] = [];
  for await (const page of pages) {
    all.push(page);
  }
  return all;
}

describe('ArchiveGdprProvider', () => {
  let archive: FakeArchive;
  let prefs: FakePrefs;
  let sut: ArchiveGdprProvider;
  // Stands for the archive consumer: a message still queued is archived once it catches up.
  let queued: { owner: string; row: { id: string; from: string; message: string } }[];
  let ingest: { caughtUp(): Promise<void> };

  beforeEach(() => {
    archive = new FakeArchive();
    prefs = new FakePrefs();
    queued = [];
    ingest = {
      caughtUp: () => {
        for (const { owner, row } of queued.splice(0)) {
          archive.owned.set(owner, [...(archive.owned.get(owner) ?? []), row]);
        }
        return Promise.resolve();
      },
    };
    sut = new ArchiveGdprProvider(archive, prefs, ingest);
  });

  it('collects the subject’s archive in pages of whole lines, then their preferences', async () => {
    // About 3 pages' worth, in chunks that cut lines (and characters) anywhere.
    const rows = Array.from({ length: 3000 }, (_, n) => ({
      id: id(n),
      from: n % 2 === 0 ? juliet : 'romeo@example.org/orchard',
      message: `<message><body>${'é'.repeat(n % 700)}</body></message>`,
    }));
    archive.owned.set(juliet, rows);
    archive.owned.set('romeo@example.org', [{ id: id(1), from: 'x', message: 'not hers' }]);
    prefs.saved.set(juliet, { defaultMode: 'roster', always: ['romeo@example.org'], never: [] });
    const pages = await collected(sut.collect('Juliet@Example.org'));

    const text = pages.map((page) =>
      'ndjson' in page ? Buffer.from(page.ndjson).toString('utf8') : '',
    );
    expect(pages.map((page) => page.dataset)).toEqual(['mam_pm', 'mam_pm', 'mam_pm', 'mam_prefs']);
    for (const [index, page] of pages.slice(0, 3).entries()) {
      // Whole lines, counted right.
      expect(text[index]?.endsWith('\n')).toBe(true);
      expect('count' in page && page.count).toBe(text[index]!.split('\n').length - 1);
    }
    const lines = text.join('').split('\n').slice(0, -1);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(rows);
    expect(pages[3]).toEqual({
      dataset: 'mam_prefs',
      rows: [{ default: 'roster', always: ['romeo@example.org'], never: [] }],
    });
  });

  it('refuses a collect that ends inside a line', async () => {
    archive.collectNdjson = async function* () {
      yield await Promise.resolve(Buffer.from('{"id":"1"}\n{"id":'));
    };
    await expect(collected(sut.collect(juliet))).rejects.toThrow('ended inside a line');
  });

  it('collects nothing for a subject without data or that does not prepare', async () => {
    expect(await collected(sut.collect('tybalt@example.org'))).toEqual([]);
    expect(await collected(sut.collect('ju\u0000liet@example.org'))).toEqual([]);
  });

  it('forgets the subject’s archive and preferences, reporting the others’ copies as kept', async () => {
    archive.owned.set(juliet, [{ id: id(1), from: juliet, message: '<message/>' }]);
    archive.heldByOthers = 7;
    prefs.saved.set(juliet, { defaultMode: 'always', always: [], never: [] });
    expect(await sut.forget(juliet)).toEqual([
      { name: 'mam_pm', deleted: 1, kept: 7, keptReason: KEPT_REASON },
      { name: 'mam_prefs', deleted: 1, kept: 0 },
    ]);
    expect(await sut.forget(juliet)).toEqual([
      { name: 'mam_pm', deleted: 0, kept: 7, keptReason: KEPT_REASON },
      { name: 'mam_prefs', deleted: 0, kept: 0 },
    ]);
    archive.heldByOthers = 0;
    expect(await sut.forget('ju\u0000liet@example.org')).toEqual([
      { name: 'mam_pm', deleted: 0, kept: 0 },
      { name: 'mam_prefs', deleted: 0, kept: 0 },
    ]);
  });

  it('waits for the messages already accepted before deleting, so none outlives the erasure', async () => {
    queued.push({ owner: juliet, row: { id: id(2), from: juliet, message: '<message/>' } });
    expect((await sut.forget(juliet))[0]).toMatchObject({ name: 'mam_pm', deleted: 1 });
    expect(archive.owned.get(juliet) ?? []).toEqual([]);
  });

  it('fails the forget when the archive cannot catch up (the job retries it)', async () => {
    archive.owned.set(juliet, [{ id: id(1), from: juliet, message: '<message/>' }]);
    ingest.caughtUp = () => Promise.reject(new Error('behind'));
    await expect(sut.forget(juliet)).rejects.toThrow('behind');
    expect(archive.owned.get(juliet)).toHaveLength(1);
  });
});
