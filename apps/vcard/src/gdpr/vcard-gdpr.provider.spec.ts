import { describe, it, expect, beforeEach } from 'vitest';
import type { CollectedPage } from '@sotto/gdpr';
import { VcardGdprProvider, type VcardRecords } from './vcard-gdpr.provider';

class FakeVcardRecords implements VcardRecords {
  readonly vcards = new Map<string, string>();
  async find(ownerJid: string): Promise<string | undefined> {
    return this.vcards.get(ownerJid);
  }
  async delete(ownerJid: string): Promise<boolean> {
    return this.vcards.delete(ownerJid);
  }
}

async function collected(pages: AsyncIterable<CollectedPage>): Promise<CollectedPage[]> {
  const all: CollectedPage[] = [];
  for await (const page of pages) {
    all.push(page);
  }
  return all;
}

const julietCard = "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>";
const romeoCard = "<vCard xmlns='vcard-temp'><FN>Romeo</FN></vCard>";

describe('VcardGdprProvider', () => {
  let records: FakeVcardRecords;
  let sut: VcardGdprProvider;

  beforeEach(() => {
    records = new FakeVcardRecords();
    records.vcards.set('juliet@example.org', julietCard);
    records.vcards.set('romeo@example.org', romeoCard);
    sut = new VcardGdprProvider(records);
  });

  describe('collect', () => {
    it('yields the subject’s vCard only, under the prepared JID', async () => {
      expect(await collected(sut.collect('Juliet@example.org'))).toEqual([
        { dataset: 'vcard', rows: [{ jid: 'juliet@example.org', vcard: julietCard }] },
      ]);
    });

    it('yields nothing for a subject without a vCard or that does not prepare', async () => {
      expect(await collected(sut.collect('tybalt@example.org'))).toEqual([]);
      expect(await collected(sut.collect('ju\u0000liet@example.org'))).toEqual([]);
    });
  });

  describe('forget', () => {
    it('deletes the subject’s vCard and nobody else’s', async () => {
      expect(await sut.forget('juliet@example.org')).toEqual([
        { name: 'vcard', deleted: 1, kept: 0 },
      ]);
      expect([...records.vcards.keys()]).toEqual(['romeo@example.org']);
    });

    it('is idempotent, and reports 0 for a subject that does not prepare', async () => {
      await sut.forget('juliet@example.org');
      expect(await sut.forget('juliet@example.org')).toEqual([
        { name: 'vcard', deleted: 0, kept: 0 },
      ]);
      expect(await sut.forget('ju\u0000liet@example.org')).toEqual([
        { name: 'vcard', deleted: 0, kept: 0 },
      ]);
    });
  });
});
