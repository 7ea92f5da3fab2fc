import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Logger } from '@nestjs/common';
import { xml } from '@sotto/xmpp';
import {
  FakeAccounts,
  InMemoryRosterStore,
  RecordingSender,
} from '../testing/in-memory-roster.store';
import { SubscriptionService } from './subscription.service';

const alice = 'alice@example.org';
const bob = 'bob@example.org';

describe('SubscriptionService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  let store: InMemoryRosterStore;
  let sender: RecordingSender;
  let accounts: FakeAccounts;
  let sut: SubscriptionService;

  beforeEach(() => {
    store = new InMemoryRosterStore();
    sender = new RecordingSender();
    accounts = new FakeAccounts();
    sut = new SubscriptionService(store, accounts, sender, { ROSTER_MAX_ITEMS: 10 });
  });

  // What went out, as `to kind[type] from` lines, for readable expectations.
  function sent(): string[] {
    return sender.take().map(({ to, stanza }) => {
      const query = stanza.getChild('query');
      const item = query?.getChild('item');
      if (item) {
        const ask = item.attrs.ask ? `+${item.attrs.ask}` : '';
        return `${to} push ${item.attrs.jid} ${item.attrs.subscription}${ask} ver=${query?.attrs.ver}`;
      }
      return `${to} ${stanza.name}[${stanza.attrs.type ?? 'available'}] from ${stanza.attrs.from}`;
    });
  }

  it('runs a whole handshake, with pushes and presence on both sides', async () => {
    const request = xml(
      'presence',
      { type: 'subscribe', to: bob, from: `${alice}/phone` },
      xml('status', {}, 'hi'),
    );
    await sut.send(alice, bob, 'subscribe', request);
    expect(sent()).toEqual([
      `${alice} push ${bob} none+subscribe ver=1`,
      `${bob} presence[subscribe] from ${alice}`,
    ]);
    expect(await store.pendingRequests(bob)).toEqual([
      { contact: alice, stanza: expect.stringContaining('<status>hi</status>') as unknown },
    ]);

    await sut.send(bob, alice, 'subscribed');
    expect(sent()).toEqual([
      `${bob} push ${alice} from ver=1`,
      `${alice} push ${bob} to ver=2`,
      `${alice} presence[subscribed] from ${bob}`,
      // Alice learns Bob's presence: the gateway answers this probe for Bob.
      `${bob} presence[probe] from ${alice}`,
    ]);
    expect(await store.pendingRequests(bob)).toEqual([]);

    await sut.send(bob, alice, 'subscribe');
    await sut.send(alice, bob, 'subscribed');
    expect(store.itemOf(alice, bob)?.subscription).toBe('both');
    expect(store.itemOf(bob, alice)?.subscription).toBe('both');
    sender.take();

    await sut.send(alice, bob, 'unsubscribe');
    expect(sent()).toEqual([
      `${alice} push ${bob} from ver=4`,
      `${bob} push ${alice} to ver=4`,
      `${bob} presence[unsubscribe] from ${alice}`,
      // Alice no longer sees Bob: unavailable from each of Bob's resources, via the gateway.
      `${alice} presence[unavailable] from ${bob}`,
    ]);
  });

  it('neither stores nor delivers a repeated request twice', async () => {
    await sut.send(alice, bob, 'subscribe');
    sender.take();
    await sut.send(alice, bob, 'subscribe');
    expect(sent()).toEqual([]);
    expect(await store.pendingRequests(bob)).toHaveLength(1);
  });

  it('approves at once what was pre-approved (RFC 6121 §3.4)', async () => {
    await sut.send(bob, alice, 'subscribed');
    expect(store.itemOf(bob, alice)).toMatchObject({ subscription: 'none', approved: true });
    expect(sent()).toEqual([`${bob} push ${alice} none ver=1`]);

    await sut.send(alice, bob, 'subscribe');
    expect(store.itemOf(bob, alice)).toMatchObject({ subscription: 'from', approved: false });
    expect(store.itemOf(alice, bob)).toMatchObject({ subscription: 'to', pendingOut: false });
    expect(sent()).toEqual([
      `${alice} push ${bob} to ver=1`,
      `${bob} push ${alice} from ver=2`,
      `${alice} presence[subscribed] from ${bob}`,
      `${bob} presence[probe] from ${alice}`,
    ]);
    expect(await store.pendingRequests(bob)).toEqual([]);
  });

  it('denies a request with unsubscribed: nothing stays pending', async () => {
    await sut.send(alice, bob, 'subscribe');
    sender.take();
    await sut.send(bob, alice, 'unsubscribed');
    expect(store.itemOf(alice, bob)).toMatchObject({ subscription: 'none', pendingOut: false });
    expect(store.itemOf(bob, alice)).toBeUndefined();
    expect(sent()).toEqual([
      `${alice} push ${bob} none ver=2`,
      `${alice} presence[unsubscribed] from ${bob}`,
    ]);
  });

  it('keeps no state for a contact who is no account here', async () => {
    accounts.gone.add(bob);
    await sut.send(alice, bob, 'subscribe');
    expect(sent()).toEqual([`${alice} push ${bob} none+subscribe ver=1`]);
    expect(await store.pendingRequests(bob)).toEqual([]);
  });

  it('removes an item after unsubscribing both ways (RFC 6121 §2.5.2)', async () => {
    await sut.send(alice, bob, 'subscribe');
    await sut.send(bob, alice, 'subscribed');
    await sut.send(bob, alice, 'subscribe');
    sender.take();

    await sut.remove(alice, bob);
    expect(store.itemOf(alice, bob)).toBeUndefined();
    expect(store.itemOf(bob, alice)).toMatchObject({ subscription: 'none', pendingOut: false });
    expect(sent()).toEqual([
      `${alice} push ${bob} remove ver=3`,
      `${bob} push ${alice} none ver=3`,
      `${bob} presence[unsubscribe] from ${alice}`,
      `${bob} presence[unsubscribed] from ${alice}`,
      `${alice} presence[unavailable] from ${bob}`,
    ]);
    await expect(sut.remove(alice, bob)).rejects.toMatchObject({ code: 'item-not-found' });
  });

  it('lists the presence targets', async () => {
    const carol = 'carol@example.org';
    await sut.send(alice, bob, 'subscribe');
    await sut.send(bob, alice, 'subscribed');
    await sut.send(carol, alice, 'subscribe');
    expect(await sut.presenceTargets(bob)).toEqual({
      subscribers: [alice],
      subscriptions: [],
      pendingIn: [],
    });
    expect(await sut.presenceTargets(alice)).toEqual({
      subscribers: [],
      subscriptions: [bob],
      pendingIn: [{ from: carol, stanza: expect.stringContaining("type='subscribe'") as unknown }],
    });
  });

  it("answers one contact's item from the owner's side, or null", async () => {
    await sut.send(alice, bob, 'subscribe');
    await sut.send(bob, alice, 'subscribed');
    expect(await sut.contactItem(bob, alice)).toEqual({
      item: { subscription: 'from', groups: [] },
    });
    expect(await sut.contactItem(alice, bob)).toEqual({ item: { subscription: 'to', groups: [] } });
    expect(await sut.contactItem(alice, 'carol@example.org')).toEqual({ item: null });
  });

  it('refuses to grow a full roster and rolls the change back', async () => {
    sut = new SubscriptionService(store, accounts, sender, { ROSTER_MAX_ITEMS: 1 });
    await sut.send(alice, bob, 'subscribe');
    await expect(sut.send(alice, 'carol@example.org', 'subscribe')).rejects.toMatchObject({
      code: 'roster-full',
    });
    expect(await store.pendingRequests('carol@example.org')).toEqual([]);
  });
});
