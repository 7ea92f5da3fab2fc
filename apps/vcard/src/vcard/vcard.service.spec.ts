import { describe, it, expect, beforeEach } from 'vitest';
import { Jid, xml } from '@sotto/xmpp';
import { VcardErrorCode } from './vcard.exception';
import { VcardService, type VcardStore } from './vcard.service';

class FakeVcardStore implements VcardStore {
  readonly vcards = new Map<string, string>();
  async find(ownerJid: string): Promise<string | undefined> {
    return this.vcards.get(ownerJid);
  }
  async save(ownerJid: string, vcard: string): Promise<void> {
    this.vcards.set(ownerJid, vcard);
  }
  async delete(ownerJid: string): Promise<boolean> {
    return this.vcards.delete(ownerJid);
  }
}

const juliet = Jid.parse('juliet@example.org/balcony');
const romeo = Jid.parse('romeo@example.org');
const request = () => xml('vCard', { xmlns: 'vcard-temp' });
const card = (name: string) => xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, name));

describe('VcardService', () => {
  let store: FakeVcardStore;
  let sut: VcardService;

  beforeEach(() => {
    store = new FakeVcardStore();
    sut = new VcardService(store, { VCARD_MAX_BYTES: 200 });
  });

  it('stores the vCard under the bare JID and gives it back, to its owner and to others', async () => {
    await sut.set(juliet, undefined, card('Juliet'));
    expect(store.vcards.get('juliet@example.org')).toBe(
      "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>",
    );
    expect((await sut.get(juliet, undefined, request())).toString()).toBe(
      "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>",
    );
    expect((await sut.get(romeo, juliet.bare(), request())).getChildText('FN')).toBe('Juliet');
  });

  it('accepts a set addressed to the own bare JID', async () => {
    await sut.set(juliet, Jid.parse('Juliet@Example.org'), card('Juliet'));
    expect(store.vcards.has('juliet@example.org')).toBe(true);
  });

  it('answers an empty vCard for the own JID when none is stored', async () => {
    for (const target of [undefined, juliet.bare()]) {
      expect((await sut.get(juliet, target, request())).toString()).toBe(
        "<vCard xmlns='vcard-temp'/>",
      );
    }
  });

  it('answers NotFound for another JID without a vCard, account or not', async () => {
    await expect(sut.get(juliet, romeo, request())).rejects.toMatchObject({
      code: VcardErrorCode.NotFound,
    });
  });

  it('refuses to set another account’s vCard', async () => {
    await expect(sut.set(juliet, romeo, card('Romeo'))).rejects.toMatchObject({
      code: VcardErrorCode.Forbidden,
    });
    expect(store.vcards.size).toBe(0);
  });

  it('refuses a vCard over the size limit and keeps the old one', async () => {
    await sut.set(juliet, undefined, card('Juliet'));
    await expect(sut.set(juliet, undefined, card('x'.repeat(200)))).rejects.toMatchObject({
      code: VcardErrorCode.TooLarge,
    });
    expect(store.vcards.get('juliet@example.org')).toContain('Juliet');
  });

  it('counts the limit in UTF-8 bytes, not characters', async () => {
    // 60 four-byte characters: 60 UTF-16 pairs, 240 bytes.
    await expect(sut.set(juliet, undefined, card('😀'.repeat(60)))).rejects.toMatchObject({
      code: VcardErrorCode.TooLarge,
    });
  });

  it('deletes the vCard when an empty one is set', async () => {
    await sut.set(juliet, undefined, card('Juliet'));
    await sut.set(juliet, undefined, xml('vCard', { xmlns: 'vcard-temp' }, '  \n'));
    expect(store.vcards.size).toBe(0);
    // And again: nothing to delete is no error.
    await sut.set(juliet, undefined, request());
  });

  it('refuses an element other than vCard', async () => {
    const wrong = xml('vcard', { xmlns: 'vcard-temp' });
    await expect(sut.get(juliet, undefined, wrong)).rejects.toMatchObject({
      code: VcardErrorCode.BadRequest,
    });
    await expect(sut.set(juliet, undefined, wrong)).rejects.toMatchObject({
      code: VcardErrorCode.BadRequest,
    });
  });
});
