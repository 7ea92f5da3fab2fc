import { describe, it, expect, beforeEach } from 'vitest';
import type { IqContext } from '@sotto/xmpp-service';
import { Jid, StanzaError, parseFrame } from '@sotto/xmpp';
import { PrivateStorageHandler } from './private-storage.handler';
import { PrivateStorageService, type PrivateStore } from './private-storage.service';

class FakePrivateStore implements PrivateStore {
  readonly rows = new Map<string, string>();
  async find(ownerJid: string, namespace: string): Promise<string | undefined> {
    return this.rows.get(`${ownerJid} ${namespace}`);
  }
  async save(ownerJid: string, namespace: string, xml: string): Promise<void> {
    this.rows.set(`${ownerJid} ${namespace}`, xml);
  }
}

const limits = { maxStanzaBytes: 65536, maxDepth: 32 };

/** The context the IQ server builds for an IQ `type` with `children` in its query. */
function context(from: string, type: string, to: string, children: string): IqContext {
  const iq = parseFrame(
    `<iq xmlns='jabber:client' type='${type}' id='p1'${to}><query xmlns='jabber:iq:private'>${children}</query></iq>`,
    limits,
  );
  const target = iq.attrs.to === undefined ? undefined : Jid.parse(iq.attrs.to);
  return { iq, payload: iq.getChildElements()[0]!, from: Jid.parse(from), to: target };
}

const bookmarks = "<storage xmlns='storage:bookmarks'><conference jid='a@b'/></storage>";

describe('PrivateStorageHandler', () => {
  let store: FakePrivateStore;
  let sut: PrivateStorageHandler;

  beforeEach(() => {
    store = new FakePrivateStore();
    sut = new PrivateStorageHandler(new PrivateStorageService(store, { PRIVATE_MAX_BYTES: 1024 }));
  });

  it('serves jabber:iq:private', () => {
    expect(sut.namespace).toBe('jabber:iq:private');
  });

  it('lets the owner set and get, without `to` and with the own bare JID', async () => {
    const juliet = 'juliet@example.org/a';
    expect(await sut.set(context(juliet, 'set', '', bookmarks))).toBeUndefined();
    const own = " to='juliet@example.org'";
    const read = await sut.get(context(juliet, 'get', own, "<storage xmlns='storage:bookmarks'/>"));
    expect(read.toString()).toBe(`<query xmlns='jabber:iq:private'>${bookmarks}</query>`);
  });

  it('answers forbidden to a get or set addressed to another account', async () => {
    store.rows.set('romeo@example.org storage:bookmarks', bookmarks);
    const other = " to='romeo@example.org'";
    for (const ctx of [
      context('juliet@example.org/a', 'get', other, "<storage xmlns='storage:bookmarks'/>"),
      context('juliet@example.org/a', 'set', other, bookmarks),
    ]) {
      const attempt = ctx.iq.attrs.type === 'get' ? sut.get(ctx) : sut.set(ctx);
      await expect(attempt).rejects.toBeInstanceOf(StanzaError);
      await expect(attempt).rejects.toMatchObject({ condition: 'forbidden' });
    }
    expect(store.rows.get('romeo@example.org storage:bookmarks')).toBe(bookmarks);
  });

  it.each([
    ["<x xmlns='jabber:client'/>", 'not-acceptable'],
    ["<x xmlns='jabber:iq:private'/>", 'not-acceptable'],
    ['', 'bad-request'],
    ["<a xmlns='urn:a'/><b xmlns='urn:b'/>", 'bad-request'],
    [`<big xmlns='urn:big'>${'x'.repeat(2000)}</big>`, 'not-acceptable'],
  ])('answers a set of %s with %s', async (children, condition) => {
    await expect(
      sut.set(context('juliet@example.org/a', 'set', '', children)),
    ).rejects.toMatchObject({ condition });
    expect(store.rows.size).toBe(0);
  });
});
