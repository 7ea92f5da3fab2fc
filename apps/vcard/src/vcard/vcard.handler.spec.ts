import { describe, it, expect, beforeEach } from 'vitest';
import type { IqContext } from '@sotto/xmpp-service';
import { Jid, StanzaError, parseFrame } from '@sotto/xmpp';
import { VcardHandler } from './vcard.handler';
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

const limits = { maxStanzaBytes: 65536, maxDepth: 32 };

/** The context the IQ server builds for `stanza` sent by `from`. */
function context(from: string, stanza: string): IqContext {
  const iq = parseFrame(stanza, limits);
  const to = iq.attrs.to === undefined ? undefined : Jid.parse(iq.attrs.to);
  return { iq, payload: iq.getChildElements()[0]!, from: Jid.parse(from), to };
}

const set = (to: string, vcard: string) =>
  `<iq xmlns='jabber:client' type='set' id='s1'${to}>${vcard}</iq>`;
const get = (to: string) =>
  `<iq xmlns='jabber:client' type='get' id='g1'${to}><vCard xmlns='vcard-temp'/></iq>`;

describe('VcardHandler', () => {
  let store: FakeVcardStore;
  let sut: VcardHandler;

  beforeEach(() => {
    store = new FakeVcardStore();
    sut = new VcardHandler(new VcardService(store, { VCARD_MAX_BYTES: 1024 }));
  });

  it('serves vcard-temp', () => {
    expect(sut.namespace).toBe('vcard-temp');
  });

  it('lets the owner set without `to` and with the own bare JID; answers an empty result', async () => {
    const card = "<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>";
    expect(await sut.set(context('juliet@example.org/a', set('', card)))).toBeUndefined();
    expect(
      await sut.set(context('juliet@example.org/a', set(" to='juliet@example.org'", card))),
    ).toBeUndefined();
    expect([...store.vcards.keys()]).toEqual(['juliet@example.org']);
  });

  it('answers forbidden to a set addressed to another account', async () => {
    const card = "<vCard xmlns='vcard-temp'><FN>Romeo?</FN></vCard>";
    const attempt = sut.set(context('juliet@example.org/a', set(" to='romeo@example.org'", card)));
    await expect(attempt).rejects.toBeInstanceOf(StanzaError);
    await expect(attempt).rejects.toMatchObject({ condition: 'forbidden', type: 'auth' });
    expect(store.vcards.size).toBe(0);
  });

  it('answers not-acceptable to an oversized vCard', async () => {
    const card = `<vCard xmlns='vcard-temp'><DESC>${'x'.repeat(2000)}</DESC></vCard>`;
    await expect(sut.set(context('juliet@example.org/a', set('', card)))).rejects.toMatchObject({
      condition: 'not-acceptable',
      type: 'modify',
    });
  });

  it('lets anyone read a stored vCard; another’s missing one is service-unavailable', async () => {
    store.vcards.set('romeo@example.org', "<vCard xmlns='vcard-temp'><FN>Romeo</FN></vCard>");
    const read = await sut.get(context('juliet@example.org/a', get(" to='romeo@example.org'")));
    expect(read.toString()).toBe("<vCard xmlns='vcard-temp'><FN>Romeo</FN></vCard>");
    await expect(
      sut.get(context('juliet@example.org/a', get(" to='nobody@example.org'"))),
    ).rejects.toMatchObject({ condition: 'service-unavailable' });
    expect((await sut.get(context('juliet@example.org/a', get('')))).toString()).toBe(
      "<vCard xmlns='vcard-temp'/>",
    );
  });

  it('stores a prefixed attribute with the declaration it needs from the IQ', async () => {
    const stanza =
      "<iq xmlns='jabber:client' xmlns:x='urn:example:x' type='set' id='s2'>" +
      "<vCard xmlns='vcard-temp' x:note='hi'><FN>Juliet</FN></vCard></iq>";
    await sut.set(context('juliet@example.org/a', stanza));
    const stored = store.vcards.get('juliet@example.org')!;
    expect(stored).toBe(
      "<vCard xmlns='vcard-temp' x:note='hi' xmlns:x='urn:example:x'><FN>Juliet</FN></vCard>",
    );
    // It parses on its own, as a get will.
    expect(parseFrame(stored, limits).attrs['x:note']).toBe('hi');
  });

  it('answers bad-request to a payload that is not a vCard element', async () => {
    const stanza = "<iq xmlns='jabber:client' type='get' id='g2'><photo xmlns='vcard-temp'/></iq>";
    await expect(sut.get(context('juliet@example.org/a', stanza))).rejects.toMatchObject({
      condition: 'bad-request',
    });
  });
});
