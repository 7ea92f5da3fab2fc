import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Logger } from '@nestjs/common';
import type { Element } from '@sotto/xmpp';
import { SubscriptionService } from '../subscriptions/subscription.service';
import {
  FakeAccounts,
  InMemoryRosterStore,
  RecordingSender,
} from '../testing/in-memory-roster.store';
import { RosterService } from './roster.service';

const alice = 'alice@example.org';
const bob = 'bob@example.org';

describe('RosterService', () => {
  let store: InMemoryRosterStore;
  let sender: RecordingSender;
  let subscriptions: SubscriptionService;
  let sut: RosterService;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    store = new InMemoryRosterStore();
    sender = new RecordingSender();
    const config = { ROSTER_MAX_ITEMS: 2 };
    subscriptions = new SubscriptionService(store, new FakeAccounts(), sender, config);
    sut = new RosterService(store, subscriptions, sender, config);
  });

  const update = (contact: string, name: string | null = null, groups: string[] = []) =>
    ({ kind: 'update', contact, name, groups }) as const;

  function items(query: Element | undefined): string[] {
    return (query?.getChildren('item') ?? []).map((item) =>
      [
        item.attrs.jid,
        item.attrs.name,
        item.attrs.subscription,
        ...item.getChildren('group').map((g) => g.text()),
      ].join(' '),
    );
  }

  describe('versioning (XEP-0237, RFC 6121 §2.6)', () => {
    it('answers an empty roster with version 0, and the same version with an empty result', async () => {
      const first = await sut.get(alice, undefined);
      expect(first?.attrs.ver).toBe('0');
      expect(items(first)).toEqual([]);
      expect(await sut.get(alice, '0')).toBeUndefined();
    });

    it('answers another version with the whole roster and the current version', async () => {
      await sut.set(alice, update(bob, 'Bob', ['Friends']));
      await sut.set(alice, update('carol@example.org'));
      for (const stale of [undefined, '', '0', '1', 'junk']) {
        const roster = await sut.get(alice, stale);
        expect(roster?.attrs.ver).toBe('2');
        expect(items(roster)).toEqual([`${bob} Bob none Friends`, 'carol@example.org  none']);
      }
      expect(await sut.get(alice, '2')).toBeUndefined();
    });

    it('pushes each change with the version it made', async () => {
      await sut.set(alice, update(bob, 'Bob'));
      await sut.set(alice, update(bob, 'Robert', ['Work', 'Friends']));
      await sut.set(alice, { kind: 'remove', contact: bob });
      const pushes = sender.take().map(({ to, stanza }) => {
        const query = stanza.getChild('query');
        return [to, stanza.attrs.type, query?.attrs.ver, ...items(query)].join(' | ');
      });
      expect(pushes).toEqual([
        `${alice} | set | 1 | ${bob} Bob none`,
        `${alice} | set | 2 | ${bob} Robert none Work Friends`,
        `${alice} | set | 3 | ${bob}  remove`,
      ]);
      // Someone else's changes leave Alice's version alone.
      await sut.set(bob, update(alice));
      expect(await sut.get(alice, '3')).toBeUndefined();
    });
  });

  it('keeps the subscription state when the name or groups change', async () => {
    await subscriptions.send(alice, bob, 'subscribe');
    await sut.set(alice, update(bob, 'Bob'));
    expect(store.itemOf(alice, bob)).toMatchObject({
      name: 'Bob',
      subscription: 'none',
      pendingOut: true,
    });
  });

  it('refuses one’s own JID, a full roster, and removing what is not there', async () => {
    await expect(sut.set(alice, update(alice))).rejects.toMatchObject({ code: 'own-jid' });
    await sut.set(alice, update(bob));
    await sut.set(alice, update('carol@example.org'));
    await expect(sut.set(alice, update('dave@example.org'))).rejects.toMatchObject({
      code: 'roster-full',
    });
    // Updating an item already there is fine when full.
    await sut.set(alice, update(bob, 'Bob'));
    await expect(
      sut.set(alice, { kind: 'remove', contact: 'dave@example.org' }),
    ).rejects.toMatchObject({
      code: 'item-not-found',
    });
  });
});
