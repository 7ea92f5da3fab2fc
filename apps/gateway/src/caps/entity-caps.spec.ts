import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UNVERIFIED_CAPS, capsKey, type CapsRecord, type SessionRecord } from '@sotto/contracts';
import type { NatsClient } from '@sotto/nats';
import { parseFrame, type Element } from '@sotto/xmpp';
import { loadGatewayConfig } from '../config/gateway.config';
import type { ActiveSession } from '../sessions/active-session';
import { LocalSessions } from '../sessions/local-sessions';
import { notifyNodesOf, type CapsCache } from './caps-cache';
import { EntityCaps } from './entity-caps';

const limits = { maxStanzaBytes: 65_536, maxDepth: 16 };
const NODE = 'https://stanzajs.org';
const AVATAR = 'urn:xmpp:avatar:metadata';
const IDENTITY = `<identity category='client' type='web'/>`;
const FEATURES = ['http://jabber.org/protocol/disco#info', `${AVATAR}+notify`];
// sha-1 of "client/web//<http://jabber.org/protocol/disco#info<urn:xmpp:avatar:metadata+notify<"
const VER = '8KuFVtaPKgwFEX3TiNYZc9cx808=';

/** The shared caps, in memory. */
class FakeCapsCache {
  readonly records = new Map<string, CapsRecord>();
  accepts = true;
  notifyNodes(key: string) {
    const record = this.records.get(key);
    return record && notifyNodesOf(record.features);
  }
  async put(record: CapsRecord): Promise<boolean> {
    if (this.accepts) {
      this.records.set(capsKey(record.hash, record.ver), record);
    }
    return this.accepts;
  }
}

class FakeSession implements ActiveSession {
  readonly fullJid = 'juliet@localhost/balcony';
  readonly bareJid = 'juliet@localhost';
  readonly resource = 'balcony';
  readonly sent: Element[] = [];
  record: SessionRecord = {
    jid: this.fullJid,
    gateway: 'g',
    available: true,
    priority: 0,
    boundAt: 1,
  };
  deliver(xml: string): void {
    this.sent.push(parseFrame(xml, limits));
  }
  end(): void {}
  async setPresence(): Promise<void> {}
  async setCaps(caps: string): Promise<void> {
    this.record = { ...this.record, caps };
  }
  queries(): Element[] {
    return this.sent.filter((s) => s.name === 'iq' && s.attrs.type === 'get');
  }
}

const presence = (ver: string, hash: string | undefined = 'sha-1', node = NODE) =>
  parseFrame(
    `<presence xmlns='jabber:client'><c xmlns='http://jabber.org/protocol/caps' node='${node}' ver='${ver}'${hash ? ` hash='${hash}'` : ''}/></presence>`,
    limits,
  );

function result(query: Element, inner: string): Element {
  return parseFrame(
    `<iq xmlns='jabber:client' type='result' id='${query.attrs.id}' to='localhost'>` +
      `<query xmlns='http://jabber.org/protocol/disco#info' node='${query.getChildElements()[0]!.attrs.node}'>${inner}</query></iq>`,
    limits,
  );
}
const answerWith = (features: string[]) =>
  IDENTITY + features.map((f) => `<feature var='${f}'/>`).join('');

describe('EntityCaps', () => {
  let cache: FakeCapsCache;
  let published: { jid: string; nodes: string[] }[];
  let session: FakeSession;
  let sut: EntityCaps;

  beforeEach(() => {
    cache = new FakeCapsCache();
    published = [];
    const nats = { publish: (_subject: string, payload: never) => published.push(payload) };
    const local = new LocalSessions();
    session = new FakeSession();
    local.add(session);
    const config = loadGatewayConfig({ CAPS_QUERY_TIMEOUT_MS: '1000' });
    sut = new EntityCaps(
      nats as unknown as NatsClient,
      cache as unknown as CapsCache,
      local,
      config,
    );
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks the client once, verifies its answer, shares it and announces the interest', async () => {
    await sut.available(session, presence(VER), true);
    const [query] = session.queries();
    expect(session.queries()).toHaveLength(1);
    expect(query!.attrs).toMatchObject({ from: 'localhost', to: session.fullJid });
    expect(query!.getChildElements()[0]!.attrs).toEqual({
      xmlns: 'http://jabber.org/protocol/disco#info',
      node: `${NODE}#${VER}`,
    });
    expect(sut.wants(session, AVATAR)).toBe(false);

    expect(sut.answer(session, result(query!, answerWith(FEATURES)))).toBe(true);
    await vi.waitFor(() => expect(session.record.caps).toBe(capsKey('sha-1', VER)));
    expect(cache.records.get(capsKey('sha-1', VER))?.features).toEqual(FEATURES);
    expect(published).toEqual([{ jid: session.fullJid, nodes: [AVATAR] }]);
    expect(sut.wants(session, AVATAR)).toBe(true);
    expect(sut.wants(session, 'urn:xmpp:mood')).toBe(false);
  });

  it('does not ask when the shared cache knows the ver', async () => {
    await cache.put({ hash: 'sha-1', ver: VER, features: FEATURES, verifiedAt: 1 });
    await sut.available(session, presence(VER), true);
    expect(session.queries()).toHaveLength(0);
    expect(session.record.caps).toBe(capsKey('sha-1', VER));
    expect(published).toEqual([{ jid: session.fullJid, nodes: [AVATAR] }]);
  });

  it('announces again on the next initial presence only', async () => {
    await cache.put({ hash: 'sha-1', ver: VER, features: FEATURES, verifiedAt: 1 });
    await sut.available(session, presence(VER), true);
    await sut.available(session, presence(VER), false);
    await sut.available(session, parseFrame("<presence xmlns='jabber:client'/>", limits), false);
    expect(published).toHaveLength(1);
    await sut.available(session, presence(VER), true);
    expect(published).toHaveLength(2);
  });

  it('keeps an answer that does not match its ver for the session only', async () => {
    await sut.available(session, presence('bm90IHRoZSBoYXNoIGF0IGFsbA=='), true);
    const [query] = session.queries();
    sut.answer(session, result(query!, answerWith(FEATURES)));
    await vi.waitFor(() => expect(session.record.caps).toBe(UNVERIFIED_CAPS));
    expect(cache.records.size).toBe(0);
    expect(sut.wants(session, AVATAR)).toBe(true);
    expect(published).toEqual([{ jid: session.fullJid, nodes: [AVATAR] }]);
  });

  it('keeps legacy caps (no hash) and caps the cache refused for the session only', async () => {
    await sut.available(session, presence('1.0', undefined), true);
    sut.answer(session, result(session.queries()[0]!, answerWith(FEATURES)));
    await vi.waitFor(() => expect(session.record.caps).toBe(UNVERIFIED_CAPS));

    const other = new FakeSession();
    cache.accepts = false;
    const local = new LocalSessions();
    local.add(other);
    const nats = { publish: () => undefined } as unknown as NatsClient;
    const config = loadGatewayConfig({});
    const refused = new EntityCaps(nats, cache as unknown as CapsCache, local, config);
    await refused.available(other, presence(VER), true);
    refused.answer(other, result(other.queries()[0]!, answerWith(FEATURES)));
    await vi.waitFor(() => expect(other.record.caps).toBe(UNVERIFIED_CAPS));
    expect(refused.wants(other, AVATAR)).toBe(true);
  });

  it('ignores an ill-formed answer and does not ask about those caps again', async () => {
    await sut.available(session, presence(VER), true);
    const [query] = session.queries();
    sut.answer(session, result(query!, answerWith([...FEATURES, FEATURES[0]!])));
    await new Promise((resolve) => setImmediate(resolve));
    expect(session.record.caps).toBeUndefined();
    expect(published).toEqual([]);
    await sut.available(session, presence(VER), true);
    expect(session.queries()).toHaveLength(1);
  });

  it('has one query outstanding at a time, then asks about the latest caps', async () => {
    await sut.available(session, presence(VER), true);
    await sut.available(session, presence('b3RoZXIgY2Fwcw=='), false);
    await sut.available(session, presence('dGhpcmQgY2Fwcw=='), false);
    expect(session.queries()).toHaveLength(1);
    sut.answer(session, result(session.queries()[0]!, answerWith(FEATURES)));
    await vi.waitFor(() => expect(session.queries()).toHaveLength(2));
    expect(session.queries()[1]!.getChildElements()[0]!.attrs.node).toBe(
      `${NODE}#dGhpcmQgY2Fwcw==`,
    );
    // The first answer no longer describes the session.
    expect(sut.wants(session, AVATAR)).toBe(false);
  });

  it('gives up on a query that is not answered in time', async () => {
    vi.useFakeTimers();
    await sut.available(session, presence(VER), true);
    const [query] = session.queries();
    vi.advanceTimersByTime(1000);
    expect(sut.answer(session, result(query!, answerWith(FEATURES)))).toBe(false);
    expect(session.record.caps).toBeUndefined();
  });

  it('takes an error answer, and nothing that is not its answer', async () => {
    await sut.available(session, presence(VER), true);
    const [query] = session.queries();
    const other = parseFrame(
      "<iq xmlns='jabber:client' type='result' id='someone-else' to='localhost'/>",
      limits,
    );
    expect(sut.answer(session, other)).toBe(false);
    const error = parseFrame(
      `<iq xmlns='jabber:client' type='error' id='${query!.attrs.id}' to='localhost'/>`,
      limits,
    );
    expect(sut.answer(session, error)).toBe(true);
    expect(sut.answer(session, error)).toBe(false);
  });

  it('does not announce an unavailable session, nor one without +notify features', async () => {
    await cache.put({ hash: 'sha-1', ver: VER, features: FEATURES, verifiedAt: 1 });
    session.record = { ...session.record, available: false };
    await sut.available(session, presence(VER), true);
    expect(published).toEqual([]);
    expect(sut.wants(session, AVATAR)).toBe(false);
  });
});
