import { describe, it, expect, beforeEach } from 'vitest';
import type { ChatMessageEvent } from '@sotto/contracts';
import { InMemoryInboxStore } from '../testing/in-memory-inbox.store';
import { inboxChangeOf, type PositionedChange } from './inbox-change';
import { InboxIngestService } from './inbox-ingest.service';

/** The in-memory store, counting the batches it is asked to apply. */
class CountingStore extends InMemoryInboxStore {
  batches = 0;

  override applyBatch(...args: Parameters<InMemoryInboxStore['applyBatch']>): Promise<number> {
    this.batches++;
    return super.applyBatch(...args);
  }
}

const alice = 'alice@example.org';
const bob = 'bob@example.org';
const carol = 'carol@example.org';

let seq = 0;
let clock = 1_700_000_000_000;

/** An accepted-message event as the gateway publishes it, with its stream position. */
function event(from: string, to: string, inner: string, id?: string): PositionedChange {
  seq++;
  clock++;
  const eventId = uuid7At(clock, seq);
  const idAttr = id === undefined ? '' : ` id='${id}'`;
  const accepted: ChatMessageEvent = {
    id: eventId,
    from: `${from}/res`,
    to,
    acceptedAt: clock,
    stanza:
      `<message xmlns='jabber:client' type='chat' from='${from}/res' to='${to}'${idAttr}>` +
      `${inner}<stanza-id xmlns='urn:xmpp:sid:0' by='${to}' id='${eventId}'/></message>`,
  };
  const change = inboxChangeOf(accepted, new Set(['displayed']));
  if (!change) {
    throw new Error('the test event changes nothing');
  }
  return { seq, eventId, change };
}

const text = (from: string, to: string, body: string) =>
  event(from, to, `<body>${body}</body>`, body);
const displayed = (from: string, to: string, id: string) =>
  event(from, to, `<displayed xmlns='urn:xmpp:chat-markers:0' id='${id}'/>`);

// A UUID v7 whose time part is `ms` and whose random part is the counter: ordered like events.
function uuid7At(ms: number, counter: number): string {
  const hex = ms.toString(16).padStart(12, '0') + '7' + counter.toString(16).padStart(19, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

describe('InboxIngestService', () => {
  let store: CountingStore;
  let sut: InboxIngestService;

  beforeEach(() => {
    store = new CountingStore();
    sut = new InboxIngestService(store);
  });

  it('counts a message unread for the recipient and read for the sender', async () => {
    const hello = text(alice, bob, 'hello');
    await sut.apply([hello]);
    expect(store.get(bob, alice)).toMatchObject({
      unreadCount: 1,
      msgId: 'hello',
      stanzaId: hello.eventId,
      box: 'inbox',
    });
    expect(store.get(bob, alice)?.content).toContain('<body>hello</body>');
    expect(store.get(alice, bob)).toMatchObject({ unreadCount: 0, msgId: 'hello' });
  });

  it('counts every message in a batch, and a reply reads the conversation', async () => {
    await sut.apply([text(alice, bob, 'one'), text(alice, bob, 'two'), text(alice, bob, 'three')]);
    expect(store.get(bob, alice)?.unreadCount).toBe(3);
    expect(store.get(bob, alice)?.msgId).toBe('three');
    expect(store.batches).toBe(1);

    await sut.apply([text(bob, alice, 'reply')]);
    expect(store.get(bob, alice)).toMatchObject({ unreadCount: 0, msgId: 'reply' });
    expect(store.get(alice, bob)).toMatchObject({ unreadCount: 1, msgId: 'reply' });
  });

  it('reads the conversation on a displayed marker of its last message, by id or stanza-id', async () => {
    await sut.apply([text(alice, bob, 'one'), text(alice, bob, 'two')]);
    await sut.apply([displayed(bob, alice, 'two')]);
    expect(store.get(bob, alice)?.unreadCount).toBe(0);
    // The marker changes neither the last message nor the other party's entry.
    expect(store.get(bob, alice)?.msgId).toBe('two');
    expect(store.get(alice, bob)?.unreadCount).toBe(0);

    const three = text(alice, bob, 'three');
    await sut.apply([three, displayed(bob, alice, three.eventId)]);
    expect(store.get(bob, alice)?.unreadCount).toBe(0);
  });

  it('leaves the count on a marker of an older message, or of another conversation', async () => {
    await sut.apply([text(alice, bob, 'one'), text(alice, bob, 'two')]);
    await sut.apply([displayed(bob, alice, 'one'), displayed(bob, carol, 'two')]);
    expect(store.get(bob, alice)?.unreadCount).toBe(2);
    expect(store.get(bob, carol)).toBeUndefined();
  });

  it('ignores markers of the other party and messages without a body', async () => {
    await sut.apply([text(alice, bob, 'one')]);
    // Alice marking Bob's (non-existent) message touches only Alice's entry, which is read.
    await sut.apply([displayed(alice, bob, 'one')]);
    expect(store.get(bob, alice)?.unreadCount).toBe(1);
    const typing = {
      id: uuid7At(++clock, ++seq),
      from: `${alice}/res`,
      to: bob,
      acceptedAt: clock,
      stanza: `<message xmlns='jabber:client' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>`,
    };
    expect(inboxChangeOf(typing, new Set(['displayed']))).toBeUndefined();
  });

  it('applies a batch in order', async () => {
    // Read, then a new message: one unread. The other order would leave none.
    await sut.apply([text(alice, bob, 'one')]);
    await sut.apply([displayed(bob, alice, 'one'), text(alice, bob, 'two')]);
    expect(store.get(bob, alice)?.unreadCount).toBe(1);
    await sut.apply([text(alice, bob, 'three'), displayed(bob, alice, 'three')]);
    expect(store.get(bob, alice)?.unreadCount).toBe(0);
  });

  it('counts nothing twice when a batch is redelivered, alone or with newer events', async () => {
    const batch = [text(alice, bob, 'one'), text(alice, bob, 'two'), text(carol, bob, 'hi')];
    await sut.apply(batch);
    await sut.apply(batch);
    expect(store.get(bob, alice)?.unreadCount).toBe(2);
    expect(store.get(bob, carol)?.unreadCount).toBe(1);

    const later = text(alice, bob, 'three');
    await sut.apply([...batch, later]);
    expect(store.get(bob, alice)).toMatchObject({ unreadCount: 3, msgId: 'three' });
    expect(store.get(bob, carol)?.unreadCount).toBe(1);
  });

  it('keeps applying after the stream was re-created (sequences start again)', async () => {
    await sut.apply([text(alice, bob, 'one')]);
    seq = 0;
    await sut.apply([text(alice, bob, 'two')]);
    expect(store.get(bob, alice)).toMatchObject({ unreadCount: 2, msgId: 'two' });
  });

  it('brings an archived entry back to the inbox and leaves a binned one in the bin', async () => {
    await sut.apply([text(alice, bob, 'one'), text(carol, bob, 'one')]);
    store.get(bob, alice)!.box = 'archive';
    const until = new Date(clock + 60_000);
    store.get(bob, carol)!.box = 'bin';
    store.get(bob, carol)!.mutedUntil = until;
    await sut.apply([text(alice, bob, 'two'), text(carol, bob, 'two')]);
    expect(store.get(bob, alice)?.box).toBe('inbox');
    expect(store.get(bob, carol)).toMatchObject({ box: 'bin', mutedUntil: until });
  });

  it('keeps a note to oneself as one read entry', async () => {
    await sut.apply([text(alice, alice, 'note')]);
    expect(store.get(alice, alice)).toMatchObject({ unreadCount: 0, msgId: 'note' });
    expect(store.entries.size).toBe(1);
  });

  it('does not call the store for a batch that changes nothing', async () => {
    expect(await sut.apply([])).toBe(0);
    expect(store.batches).toBe(0);
  });
});
