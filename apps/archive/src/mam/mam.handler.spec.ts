import { describe, it, expect, beforeEach } from 'vitest';
import { Jid, StanzaError, xml, type Element } from '@sotto/xmpp';
import type { IqContext } from '@sotto/xmpp-service';
import { NS_MAM, NS_RSM } from '../archive/namespaces';
import type { ArchivePrefs } from '../prefs/archive-prefs';
import { PrefsService, type PrefsStore } from '../prefs/prefs.service';
import { MamQueryService, type ArchiveReader } from './mam-query.service';
import { MamHandler } from './mam.handler';

const juliet = Jid.parse('juliet@example.org/balcony');
const messageId = '018f0f6e-0000-7000-8000-000000000001';

class OneMessageArchive implements ArchiveReader {
  owners: string[] = [];
  async existing(): Promise<Set<string>> {
    return new Set();
  }
  async page(owner: string) {
    this.owners.push(owner);
    return [
      {
        id: messageId,
        sentAt: new Date('2024-05-01T10:00:00Z'),
        stanza: "<message xmlns='jabber:client'><body>hi</body></message>",
      },
    ];
  }
  async count(): Promise<number> {
    return 1;
  }
  async bounds() {
    return undefined;
  }
}

class MemoryPrefs implements PrefsStore {
  readonly saved = new Map<string, ArchivePrefs>();
  async find(owner: string) {
    return this.saved.get(owner);
  }
  async save(owner: string, prefs: ArchivePrefs) {
    this.saved.set(owner, prefs);
  }
}

function context(payload: Element, to?: string, emitted: Element[] = []): IqContext {
  return {
    iq: xml('iq', { type: 'set', id: 'i1' }, payload),
    payload,
    from: juliet,
    to: to === undefined ? undefined : Jid.parse(to),
    emit: (stanza) => emitted.push(stanza),
  };
}

describe('MamHandler', () => {
  let archive: OneMessageArchive;
  let prefs: MemoryPrefs;
  let sut: MamHandler;

  beforeEach(() => {
    archive = new OneMessageArchive();
    prefs = new MemoryPrefs();
    sut = new MamHandler(new MamQueryService(archive), new PrefsService(prefs));
  });

  it('emits the result messages, then answers with <fin/>', async () => {
    const emitted: Element[] = [];
    const query = xml('query', { xmlns: NS_MAM, queryid: 'q' }, xml('set', { xmlns: NS_RSM }));
    const fin = await sut.set(context(query, 'juliet@example.org', emitted));
    expect(emitted).toHaveLength(1);
    expect(emitted[0]?.attrs.to).toBe(juliet.toString());
    expect(emitted[0]?.getChild('result')?.attrs).toMatchObject({ queryid: 'q', id: messageId });
    expect(fin.name).toBe('fin');
    expect(fin.attrs.complete).toBe('true');
    expect(archive.owners).toEqual(['juliet@example.org']);
  });

  it('refuses another user’s archive with forbidden', async () => {
    const query = xml('query', { xmlns: NS_MAM });
    for (const run of [
      () => sut.set(context(query, 'romeo@example.org')),
      () => sut.get(context(query, 'romeo@example.org')),
      () => sut.get(context(xml('prefs', { xmlns: NS_MAM }), 'romeo@example.org')),
    ]) {
      await expect(run()).rejects.toMatchObject({ condition: 'forbidden' });
    }
    expect(archive.owners).toEqual([]);
  });

  it('lists the query form’s fields', async () => {
    const answer = await sut.get(context(xml('query', { xmlns: NS_MAM })));
    const fields = answer
      .getChild('x')
      ?.getChildren('field')
      .map((f) => f.attrs.var);
    expect(fields).toEqual(['FORM_TYPE', 'with', 'start', 'end', 'before-id', 'after-id', 'ids']);
  });

  it('reads and replaces preferences, defaulting to always', async () => {
    expect((await sut.get(context(xml('prefs', { xmlns: NS_MAM })))).toString()).toBe(
      "<prefs xmlns='urn:xmpp:mam:2' default='always'><always/><never/></prefs>",
    );
    const set = xml(
      'prefs',
      { xmlns: NS_MAM, default: 'never' },
      xml('always', {}, xml('jid', {}, 'Romeo@example.org/orchard')),
      xml('never'),
    );
    expect((await sut.set(context(set))).toString()).toBe(
      "<prefs xmlns='urn:xmpp:mam:2' default='never'>" +
        '<always><jid>romeo@example.org</jid></always><never/></prefs>',
    );
    expect(prefs.saved.get('juliet@example.org')).toEqual({
      defaultMode: 'never',
      always: ['romeo@example.org'],
      never: [],
    });
  });

  it.each([
    ['no default', xml('prefs', { xmlns: NS_MAM })],
    ['an unknown default', xml('prefs', { xmlns: NS_MAM, default: 'sometimes' })],
    [
      'a JID in both lists',
      xml(
        'prefs',
        { xmlns: NS_MAM, default: 'always' },
        xml('always', {}, xml('jid', {}, 'romeo@example.org')),
        xml('never', {}, xml('jid', {}, 'romeo@example.org/x')),
      ),
    ],
  ])('refuses preferences with %s', async (_name, request) => {
    await expect(sut.set(context(request))).rejects.toBeInstanceOf(StanzaError);
    await expect(sut.set(context(request))).rejects.toMatchObject({ condition: 'bad-request' });
  });

  it('answers an unknown request with bad-request', async () => {
    await expect(sut.get(context(xml('archive', { xmlns: NS_MAM })))).rejects.toMatchObject({
      condition: 'bad-request',
    });
  });
});
