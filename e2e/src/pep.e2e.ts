import { afterEach, describe, expect, inject, it } from 'vitest';
import { xml, type XmlElement } from '@xmpp/client';
import type * as XMPP from 'stanza';
import { createAccount, type TestAccount } from './support/accounts';
import { stanzaError, stanzaSession, type StanzaSession } from './support/stanza-events';
import { connectXmpp, type XmppSession } from './support/xmpp-session';

const [gatewayA, gatewayB] = inject('gateways');
const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
const NS_ERRORS = 'http://jabber.org/protocol/pubsub#errors';
const NS_NICK = 'http://jabber.org/protocol/nick';
const NS_BOOKMARKS = 'urn:xmpp:bookmarks:1';
const EVENTS = [
  'nick',
  'avatar',
  'pubsub:published',
  'pubsub:retracted',
  'subscribe',
  'roster:update',
] as const;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

// StanzaJS advertises nick+notify and avatar:metadata+notify in its entity capabilities.
function stanzaLogin(
  account: TestAccount,
  url: string,
  resource?: string,
  configure?: (client: XMPP.Agent) => void,
): Promise<StanzaSession> {
  return stanzaSession(account, { url, resource, events: EVENTS, configure }, cleanups);
}

async function login(account: TestAccount, service = gatewayA!.ws): Promise<XmppSession> {
  const session = await connectXmpp({ service, account });
  cleanups.push(() => session.stop());
  return session;
}

/** `contact` comes to receive `owner`'s presence (and so, PEP events of presence nodes). */
async function sharePresence(owner: StanzaSession, contact: StanzaSession): Promise<void> {
  const ownerJid = owner.jid.split('/')[0]!;
  // Roster pushes go to the resources that asked for the roster (RFC 6121 §2.1.6).
  await contact.client.getRoster();
  contact.client.subscribe(ownerJid);
  await owner.next('subscribe');
  owner.client.acceptSubscription(contact.jid.split('/')[0]!);
  await contact.next<{ roster?: { items?: { jid: string; subscription: string }[] } }>(
    'roster:update',
    (u) => u.roster?.items?.some((i) => i.jid === ownerJid && i.subscription === 'to') ?? false,
  );
}

type NickEvent = { jid: string; nick?: string };
type AvatarEvent = { jid: string; avatars: { id: string }[]; source: string };
type Published = {
  from?: string;
  pubsub: { items: { node: string; published: { id?: string }[] } };
};
type Retracted = { pubsub: { items: { node: string; retracted: string[] } } };

describe('PEP (XEP-0163)', () => {
  it('every account is a PEP service (XEP-0163 §6.1)', async () => {
    const alice = await createAccount('pep-disco');
    const a = await stanzaLogin(alice, gatewayA!.ws);
    const info = await a.client.getDiscoInfo(alice.jid);
    expect(info.identities).toContainEqual(
      expect.objectContaining({ category: 'pubsub', type: 'pep' }),
    );
    expect(info.features).toEqual(
      expect.arrayContaining([
        `${NS_PUBSUB}#publish`,
        `${NS_PUBSUB}#auto-create`,
        `${NS_PUBSUB}#publish-options`,
        `${NS_PUBSUB}#filtered-notifications`,
        `${NS_PUBSUB}#access-presence`,
      ]),
    );
  });

  it('nick and avatar published by one user reach a contact whose capabilities ask for them, and the user’s own resources', async () => {
    const alice = await createAccount('pep-pub');
    const bob = await createAccount('pep-sub');
    const a = await stanzaLogin(alice, gatewayA!.ws);
    const b = await stanzaLogin(bob, gatewayB!.ws);
    await sharePresence(a, b);

    await a.client.publishNick('Alice of Wonderland');
    const nick = await b.next<NickEvent>('nick', (e) => e.jid === alice.jid);
    expect(nick.nick).toBe('Alice of Wonderland');
    // The account's own resources get it too, from its bare JID.
    expect((await a.next<NickEvent>('nick', (e) => e.jid === alice.jid)).nick).toBe(
      'Alice of Wonderland',
    );

    await a.client.useAvatars([
      {
        id: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
        bytes: 1024,
        type: 'image/png',
        width: 64,
        height: 64,
      },
    ]);
    const avatar = await b.next<AvatarEvent>('avatar', (e) => e.jid === alice.jid);
    expect(avatar.source).toBe('pubsub');
    expect(avatar.avatars.map((v) => v.id)).toEqual(['a94a8fe5ccb19ba61c4c0873d391e987982fbbd3']);

    // Bob may list Alice's nodes he can read (XEP-0163 §7), and read them; a stranger may not.
    const listed = await b.client.getDiscoItems(alice.jid);
    expect(listed.items.map((i) => i.node)).toEqual(
      expect.arrayContaining([NS_NICK, 'urn:xmpp:avatar:metadata']),
    );
    const items = await b.client.getItems(alice.jid, NS_NICK);
    expect(items.items).toHaveLength(1);
    const carol = await createAccount('pep-stranger');
    const c = await login(carol);
    const refused = await c.xmpp.iqCaller
      .request(
        xml(
          'iq',
          { type: 'get', to: alice.jid },
          xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NS_NICK })),
        ),
      )
      .then(
        () => undefined,
        (error: { element?: XmlElement }) => error.element,
      );
    expect(
      refused?.getChild('not-authorized', 'urn:ietf:params:xml:ns:xmpp-stanzas'),
    ).toBeDefined();
    expect(refused?.getChild('presence-subscription-required', NS_ERRORS)).toBeDefined();
    const unlisted = await c.xmpp.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: alice.jid },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' }),
      ),
    );
    expect(unlisted.getChild('query')?.getChildren('item')).toEqual([]);
    // Nobody but the account publishes there.
    expect(
      await stanzaError(
        b.client.publish(alice.jid, NS_NICK, { itemType: NS_NICK, nick: 'Mallory' } as never),
      ),
    ).toMatchObject({
      condition: 'forbidden',
    });
  });

  it('a contact coming online gets the last item of the nodes its capabilities ask for', async () => {
    const alice = await createAccount('pep-last');
    const bob = await createAccount('pep-last');
    const a = await stanzaLogin(alice, gatewayA!.ws);
    const first = await stanzaLogin(bob, gatewayB!.ws, 'first');
    await sharePresence(a, first);
    await a.client.publishNick('Old nick');
    await first.next<NickEvent>('nick', (e) => e.nick === 'Old nick');
    await a.client.publishNick('Current nick');
    await first.next<NickEvent>('nick', (e) => e.nick === 'Current nick');

    const later = await stanzaLogin(bob, gatewayA!.ws, 'later');
    const nick = await later.next<NickEvent>('nick', (e) => e.jid === alice.jid, 10_000);
    expect(nick.nick).toBe('Current nick');
  });

  it('bookmarks published with publish-options stay the account’s own (XEP-0402)', async () => {
    const alice = await createAccount('pep-bm');
    const bob = await createAccount('pep-bm');
    const withBookmarks = (client: XMPP.Agent) => client.disco.addFeature(`${NS_BOOKMARKS}+notify`);
    const phone = await stanzaLogin(alice, gatewayA!.ws, 'phone', withBookmarks);
    const laptop = await stanzaLogin(alice, gatewayB!.ws, 'laptop', withBookmarks);
    const b = await stanzaLogin(bob, gatewayB!.ws, 'bob', withBookmarks);
    await sharePresence(phone, b);
    const ax = await login(alice);

    const publish = (room: string, accessModel: string) =>
      ax.xmpp.iqCaller.request(
        xml(
          'iq',
          { type: 'set' },
          xml(
            'pubsub',
            { xmlns: NS_PUBSUB },
            xml(
              'publish',
              { node: NS_BOOKMARKS },
              xml(
                'item',
                { id: room },
                xml(
                  'conference',
                  { xmlns: NS_BOOKMARKS, name: 'Tea party', autojoin: 'true' },
                  xml('nick', {}, 'alice'),
                ),
              ),
            ),
            xml(
              'publish-options',
              {},
              xml(
                'x',
                { xmlns: 'jabber:x:data', type: 'submit' },
                ...Object.entries({
                  FORM_TYPE: `${NS_PUBSUB}#publish-options`,
                  'pubsub#persist_items': 'true',
                  'pubsub#max_items': 'max',
                  'pubsub#send_last_published_item': 'never',
                  'pubsub#access_model': accessModel,
                }).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))),
              ),
            ),
          ),
        ),
      );
    await publish('tea@conference.localhost', 'whitelist');
    const seen = await laptop.next<Published>(
      'pubsub:published',
      (e) => e.pubsub.items.node === NS_BOOKMARKS,
    );
    expect(seen.pubsub.items.published.map((i) => i.id)).toEqual(['tea@conference.localhost']);
    await phone.next<Published>('pubsub:published', (e) => e.pubsub.items.node === NS_BOOKMARKS);
    await publish('cake@conference.localhost', 'whitelist');
    await laptop.next<Published>(
      'pubsub:published',
      (e) => e.pubsub.items.published[0]?.id === 'cake@conference.localhost',
    );

    // The node keeps every bookmark; a contact, even with presence, may not read them.
    expect((await phone.client.getItems(alice.jid, NS_BOOKMARKS)).items?.map((i) => i.id)).toEqual([
      'tea@conference.localhost',
      'cake@conference.localhost',
    ]);
    expect(await stanzaError(b.client.getItems(alice.jid, NS_BOOKMARKS))).toMatchObject({
      condition: 'not-allowed',
    });
    // A publication whose options the node does not have is refused: nothing leaks.
    const refused = await publish('leak@conference.localhost', 'presence').then(
      () => undefined,
      (error: { element?: XmlElement }) => error.element,
    );
    expect(refused?.getChild('conflict', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBeDefined();
    expect(refused?.getChild('precondition-not-met', NS_ERRORS)).toBeDefined();

    await phone.client.retract(alice.jid, NS_BOOKMARKS, 'tea@conference.localhost', true);
    const retracted = await laptop.next<Retracted>(
      'pubsub:retracted',
      (e) => e.pubsub.items.node === NS_BOOKMARKS,
    );
    expect(retracted.pubsub.items.retracted).toEqual(['tea@conference.localhost']);
    // Bob, a contact with +notify for bookmarks, got none of it.
    expect(
      b.taken<Published>('pubsub:published').filter((e) => e.pubsub.items.node === NS_BOOKMARKS),
    ).toEqual([]);
    expect(b.taken<Retracted>('pubsub:retracted')).toEqual([]);
  });

  it('the account alone creates, configures and deletes its nodes', async () => {
    const alice = await createAccount('pep-own');
    const bob = await createAccount('pep-own');
    const a = await stanzaLogin(alice, gatewayA!.ws);
    const b = await stanzaLogin(bob, gatewayB!.ws);
    await a.client.createNode(alice.jid, 'urn:example:status');
    expect(await stanzaError(b.client.createNode(alice.jid, 'urn:example:other'))).toMatchObject({
      condition: 'forbidden',
    });
    expect(await stanzaError(b.client.deleteNode(alice.jid, 'urn:example:status'))).toMatchObject({
      condition: 'forbidden',
    });
    expect(
      await stanzaError(b.client.getNodeConfig(alice.jid, 'urn:example:status')),
    ).toMatchObject({ condition: 'forbidden' });
    const config = await a.client.getNodeConfig(alice.jid, 'urn:example:status');
    expect(config.fields).toContainEqual(
      expect.objectContaining({ name: 'pubsub#access_model', value: 'presence' }),
    );
    await a.client.deleteNode(alice.jid, 'urn:example:status');
    expect(await stanzaError(a.client.getItems(alice.jid, 'urn:example:status'))).toMatchObject({
      condition: 'item-not-found',
    });
  });
});
