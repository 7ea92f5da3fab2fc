import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Logger } from '@nestjs/common';
import type { CollectedPage } from '@sotto/gdpr';
import { xml } from '@sotto/xmpp';
import { SubscriptionService } from '../subscriptions/subscription.service';
import {
  FakeAccounts,
  InMemoryRosterStore,
  RecordingSender,
} from '../testing/in-memory-roster.store';
import { RosterGdprProvider } from './roster-gdpr.provider';

const alice = 'alice@example.org';
const bob = 'bob@example.org';
const carol = 'carol@example.org';
const dave = 'dave@example.org';
const erin = 'erin@example.org';

async function collected(pages: AsyncIterable<CollectedPage>): Promise<CollectedPage[]> {
  const all: CollectedPage[] = [];
  for await (const page of pages) {
    all.push(page);
  }
  return all;
}

describe('RosterGdprProvider', () => {
  let store: InMemoryRosterStore;
  let sender: RecordingSender;
  let subscriptions: SubscriptionService;
  let sut: RosterGdprProvider;

  beforeAll(() => Logger.overrideLogger(false));

  // Alice and Bob: both. Alice → Carol: Alice's request waits. Dave → Alice: Dave's request
  // waits (status "hello"). Erin has Alice in her roster, Alice has nothing of Erin.
  beforeEach(async () => {
    store = new InMemoryRosterStore();
    sender = new RecordingSender();
    subscriptions = new SubscriptionService(store, new FakeAccounts(), sender, {
      ROSTER_MAX_ITEMS: 100,
    });
    sut = new RosterGdprProvider(store, subscriptions);
    await subscriptions.send(alice, bob, 'subscribe');
    await subscriptions.send(bob, alice, 'subscribed');
    await subscriptions.send(bob, alice, 'subscribe');
    await subscriptions.send(alice, bob, 'subscribed');
    await subscriptions.send(alice, carol, 'subscribe');
    const hello = xml('presence', { type: 'subscribe' }, xml('status', {}, 'hello'));
    await subscriptions.send(dave, alice, 'subscribe', hello);
    await store.saveItem(bob, { ...store.itemOf(bob, alice)!, name: 'Al', groups: ['Friends'] });
    await store.saveItem(erin, { ...store.itemOf(bob, alice)!, subscription: 'none' });
    sender.take();
  });

  describe('collect', () => {
    it('yields the subject’s rows only, in MongooseIM’s columns', async () => {
      expect(await collected(sut.collect(alice))).toEqual([
        {
          dataset: 'roster',
          rows: [
            {
              jid: bob,
              name: '',
              subscription: 'both',
              ask: 'none',
              groups: [],
              askmessage: '',
              xs: '',
            },
            {
              jid: carol,
              name: '',
              subscription: 'none',
              ask: 'out',
              groups: [],
              askmessage: '',
              xs: '',
            },
            {
              jid: dave,
              name: '',
              subscription: 'none',
              ask: 'in',
              groups: [],
              askmessage: 'hello',
              xs: '',
            },
          ],
        },
      ]);
      const [bobs] = await collected(sut.collect(bob));
      expect(bobs?.rows).toEqual([
        {
          jid: alice,
          name: 'Al',
          subscription: 'both',
          ask: 'none',
          groups: ['Friends'],
          askmessage: '',
          xs: '',
        },
      ]);
    });

    it('yields nothing for a stranger or an unpreparable subject', async () => {
      expect(await collected(sut.collect('nobody@example.org'))).toEqual([]);
      expect(await collected(sut.collect('a\u0000b@example.org'))).toEqual([]);
    });
  });

  describe('forget', () => {
    it('tells every contact, updates their items, then deletes the subject’s own', async () => {
      // Deleted: the items for Bob and Carol, Dave's request. Kept: Bob's, Dave's, Erin's items.
      expect(await sut.forget(alice)).toEqual([
        { name: 'roster', deleted: 3, kept: 3, keptReason: 'the contacts’ own roster entries' },
      ]);
      // The contacts' entries stay, with no subscription left and no request waiting.
      expect(store.itemOf(bob, alice)).toMatchObject({ subscription: 'none', name: 'Al' });
      expect(store.itemOf(erin, alice)).toMatchObject({ subscription: 'none' });
      expect(await store.pendingRequests(carol)).toEqual([]);
      expect(await store.pendingRequests(dave)).toEqual([]);
      expect(store.itemOf(dave, alice)).toMatchObject({ subscription: 'none', pendingOut: false });
      expect(await collected(sut.collect(alice))).toEqual([]);
      expect(await store.version(alice)).toBe(0);

      const sent = sender
        .take()
        .map(({ to, stanza }) =>
          stanza.name === 'iq'
            ? `${to} push ${stanza.getChild('query')?.getChild('item')?.attrs.subscription}`
            : `${to} ${stanza.attrs.type} from ${stanza.attrs.from}`,
        );
      expect(sent).toEqual([
        `${bob} push none`,
        `${bob} unsubscribe from ${alice}`,
        `${bob} unsubscribed from ${alice}`,
        `${bob} unavailable from ${alice}`,
        `${carol} unsubscribe from ${alice}`,
        `${dave} push none`,
        `${dave} unsubscribed from ${alice}`,
      ]);
      // Nothing went to the erased user.
      expect(sent.filter((line) => line.startsWith(alice))).toEqual([]);
    });

    it('is idempotent: a second call deletes and sends nothing', async () => {
      await sut.forget(alice);
      sender.take();
      expect(await sut.forget(alice)).toEqual([
        { name: 'roster', deleted: 0, kept: 3, keptReason: 'the contacts’ own roster entries' },
      ]);
      expect(sender.take()).toEqual([]);
    });
  });
});
