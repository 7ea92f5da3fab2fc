import { describe, it, expect, beforeEach } from 'vitest';
import { Jid, parseFrame, type Element } from '@sotto/xmpp';
import { PrivateStorageErrorCode } from './private-storage.exception';
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

const juliet = Jid.parse('juliet@example.org/balcony');
const romeo = Jid.parse('romeo@example.org');
const limits = { maxStanzaBytes: 65536, maxDepth: 32 };

/** The IQ's `<query/>` as the parser hands it over, and the IQ itself. */
function query(children: string, iqAttrs = ''): { query: Element; iq: Element } {
  const iq = parseFrame(
    `<iq xmlns='jabber:client' type='set' id='1'${iqAttrs}><query xmlns='jabber:iq:private'>${children}</query></iq>`,
    limits,
  );
  return { query: iq.getChildElements()[0]!, iq };
}

const prefs = "<exodus xmlns='exodus:prefs'><defaultnick>Hamlet</defaultnick></exodus>";

describe('PrivateStorageService', () => {
  let store: FakePrivateStore;
  let sut: PrivateStorageService;

  beforeEach(() => {
    store = new FakePrivateStore();
    sut = new PrivateStorageService(store, { PRIVATE_MAX_BYTES: 300 });
  });

  async function set(children: string, target?: Jid): Promise<void> {
    const { query: q, iq } = query(children);
    await sut.set(juliet, target, q, [iq]);
  }

  it('stores per namespace and returns the stored element (XEP-0049 examples 1 and 2)', async () => {
    await set(prefs);
    expect(store.rows.get('juliet@example.org exodus:prefs')).toBe(prefs);
    const result = await sut.get(juliet, undefined, query("<exodus xmlns='exodus:prefs'/>").query);
    expect(result.toString()).toBe(`<query xmlns='jabber:iq:private'>${prefs}</query>`);
  });

  it('answers the requested element, empty, when nothing is stored', async () => {
    const result = await sut.get(
      juliet,
      juliet.bare(),
      query("<storage xmlns='storage:bookmarks'/>").query,
    );
    expect(result.toString()).toBe(
      "<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query>",
    );
  });

  it('replaces what a namespace held and leaves other namespaces alone', async () => {
    await set(prefs);
    await set("<storage xmlns='storage:bookmarks'/>");
    await set("<exodus xmlns='exodus:prefs'><defaultnick>Ophelia</defaultnick></exodus>");
    expect(store.rows.get('juliet@example.org exodus:prefs')).toContain('Ophelia');
    expect(store.rows.get('juliet@example.org storage:bookmarks')).toBe(
      "<storage xmlns='storage:bookmarks'/>",
    );
  });

  it('stores several elements of one namespace together (XEP-0049 §2.3)', async () => {
    await set("<a xmlns='urn:example'/><b xmlns='urn:example'>2</b>");
    const result = await sut.get(juliet, undefined, query("<a xmlns='urn:example'/>").query);
    expect(result.getChildElements().map((e) => e.name)).toEqual(['a', 'b']);
  });

  it('keeps the namespace declarations the stored data borrows from the query and the IQ', async () => {
    const { query: q, iq } = query(
      "<p xmlns='urn:example' x:flag='1'/>",
      " xmlns:x='urn:example:x'",
    );
    await sut.set(juliet, undefined, q, [iq]);
    const stored = store.rows.get('juliet@example.org urn:example')!;
    expect(parseFrame(stored, limits).attrs).toEqual({
      xmlns: 'urn:example',
      'x:flag': '1',
      'xmlns:x': 'urn:example:x',
    });
  });

  it('refuses to read or write another account’s storage', async () => {
    const { query: q, iq } = query(prefs);
    await expect(sut.set(juliet, romeo, q, [iq])).rejects.toMatchObject({
      code: PrivateStorageErrorCode.Forbidden,
    });
    await expect(sut.get(juliet, romeo, q)).rejects.toMatchObject({
      code: PrivateStorageErrorCode.Forbidden,
    });
    expect(store.rows.size).toBe(0);
  });

  it.each([
    ["<x xmlns='jabber:client'/>"],
    ["<x xmlns='jabber:server'/>"],
    ["<x xmlns='jabber:iq:private'/>"],
    // No xmlns of its own: the query's, jabber:iq:private.
    ['<x/>'],
    ["<x xmlns=''/>"],
    [`<x xmlns='urn:${'n'.repeat(300)}'/>`],
  ])('refuses the reserved or unusable namespace of %s with ReservedNamespace', async (child) => {
    await expect(set(child)).rejects.toMatchObject({
      code: PrivateStorageErrorCode.ReservedNamespace,
    });
    await expect(sut.get(juliet, undefined, query(child).query)).rejects.toMatchObject({
      code: PrivateStorageErrorCode.ReservedNamespace,
    });
  });

  it('refuses a query without a child, a get of two and a set of mixed namespaces', async () => {
    await expect(set('')).rejects.toMatchObject({ code: PrivateStorageErrorCode.BadRequest });
    await expect(sut.get(juliet, undefined, query('').query)).rejects.toMatchObject({
      code: PrivateStorageErrorCode.BadRequest,
    });
    const two = "<a xmlns='urn:a'/><a xmlns='urn:a'/>";
    await expect(sut.get(juliet, undefined, query(two).query)).rejects.toMatchObject({
      code: PrivateStorageErrorCode.BadRequest,
    });
    await expect(set("<a xmlns='urn:a'/><b xmlns='urn:b'/>")).rejects.toMatchObject({
      code: PrivateStorageErrorCode.BadRequest,
    });
  });

  it('refuses a payload that is not a query', async () => {
    const { iq } = query('');
    const wrong = parseFrame("<storage xmlns='jabber:iq:private'/>", limits);
    await expect(sut.set(juliet, undefined, wrong, [iq])).rejects.toMatchObject({
      code: PrivateStorageErrorCode.BadRequest,
    });
  });

  it('refuses more than the limit under one namespace and keeps what was there', async () => {
    await set(prefs);
    await expect(
      set(`<exodus xmlns='exodus:prefs'>${'x'.repeat(300)}</exodus>`),
    ).rejects.toMatchObject({ code: PrivateStorageErrorCode.TooLarge });
    expect(store.rows.get('juliet@example.org exodus:prefs')).toBe(prefs);
  });
});
