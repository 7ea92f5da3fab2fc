import { describe, it, expect, beforeEach } from 'vitest';
import { PEP_NODE_DEFAULTS } from '../forms/node-config';
import { AccessPolicy } from '../pubsub/access-policy';
import { InMemoryPubsubRecords } from '../testing/in-memory-pubsub.records';
import { FakeRosters, RecordingSender } from '../testing/pubsub-harness';
import { LastItemsService } from './last-items.service';

const alice = 'alice@example.org';
const bob = 'bob@example.org';
const carol = 'carol@example.org';
const NICK = 'http://jabber.org/protocol/nick';

describe('LastItemsService', () => {
  let records: InMemoryPubsubRecords;
  let rosters: FakeRosters;
  let sender: RecordingSender;
  let sut: LastItemsService;

  async function node(owner: string, name: string, config = PEP_NODE_DEFAULTS, items = ['v1']) {
    const created = (await records.createNode(owner, name, config, owner))!;
    for (const itemId of items) {
      await records.publish(
        created.id,
        { itemId, publisher: owner, payload: `<x xmlns='${name}'>${itemId}</x>` },
        5,
      );
    }
    return created;
  }

  beforeEach(() => {
    records = new InMemoryPubsubRecords();
    rosters = new FakeRosters();
    sender = new RecordingSender();
    sut = new LastItemsService(records, rosters, new AccessPolicy(rosters), sender);
  });

  it('sends the newest item of each asked-for node of the contacts and of the account itself', async () => {
    rosters.share(alice, bob);
    await node(alice, NICK, PEP_NODE_DEFAULTS, ['old', 'new']);
    await node(bob, NICK);
    await node(carol, NICK);
    await node(alice, 'urn:not-asked');
    await sut.sendTo('bob@example.org/phone', [NICK]);
    const sent = sender.take();
    expect(
      sent.map((s) => [s.to, s.stanza.attrs.from, s.stanza.getChildElements()[0]?.toString()]),
    ).toEqual([
      [
        'bob@example.org/phone',
        alice,
        `<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='${NICK}'><item id='new'><x xmlns='${NICK}'>new</x></item></items></event>`,
      ],
      ['bob@example.org/phone', bob, expect.stringContaining("<item id='v1'>")],
    ]);
    expect(
      sent.every((s) => s.notify === undefined && s.stanza.getChild('delay', 'urn:xmpp:delay')),
    ).toBe(true);
  });

  it('sends nothing of nodes the contact may not read, nor of nodes that never send on presence', async () => {
    rosters.share(alice, bob, ['Work']);
    await node(alice, 'urn:roster', {
      ...PEP_NODE_DEFAULTS,
      accessModel: 'roster',
      rosterGroupsAllowed: ['Friends'],
    });
    await node(alice, 'urn:bookmarks', { ...PEP_NODE_DEFAULTS, accessModel: 'whitelist' });
    await node(alice, 'urn:quiet', { ...PEP_NODE_DEFAULTS, sendLastPublishedItem: 'on_sub' });
    await sut.sendTo('bob@example.org/phone', ['urn:roster', 'urn:bookmarks', 'urn:quiet']);
    expect(sender.take()).toEqual([]);
    rosters.items.set(`${alice} ${bob}`, { subscription: 'from', groups: ['Friends'] });
    await sut.sendTo('bob@example.org/phone', ['urn:roster', 'urn:bookmarks']);
    expect(
      sender.take().map((s) => s.stanza.getChildElements()[0]?.getChildElements()[0]?.attrs.node),
    ).toEqual(['urn:roster']);
    // The account's own whitelist node is its own to read.
    await sut.sendTo('alice@example.org/desk', ['urn:bookmarks']);
    expect(sender.take()).toHaveLength(1);
  });
});
