import { describe, it, expect, beforeEach } from 'vitest';
import { RpcError } from '@sotto/nats';
import { parseFrame, type Element } from '@sotto/xmpp';
import { InMemoryOfflineRecords } from '../testing/in-memory-offline.records';
import { OfflineStorageService, type UndeliveredMessage } from './offline-storage.service';

const DOMAIN = 'example.org';
const ROMEO = 'romeo@example.org/orchard';
const JULIET = 'juliet@example.org';

class FakeAccounts {
  readonly known = new Set([JULIET, 'nurse@example.org']);
  questions: string[] = [];
  failing = false;
  /** Known accounts are active; any other is unknown, erased, or being erased. */
  async active(jid: string): Promise<boolean> {
    this.questions.push(jid);
    if (this.failing) {
      throw new RpcError('unavailable', 'no service answers accounts.exists');
    }
    return this.known.has(jid);
  }
}

class FakeOutbox {
  readonly sent: { to: string; stanza: Element }[] = [];
  send(to: string, stanza: Element): void {
    this.sent.push({ to, stanza });
  }
}

let seq = 0;
function undelivered(
  to: string,
  body: string,
  extra = '',
  acceptedAt = Date.UTC(2025, 5, 1, 12, 0, seq),
): UndeliveredMessage {
  seq += 1;
  const id = `0197a000-0000-7000-8000-${String(seq).padStart(12, '0')}`;
  const stanza = `<message xmlns='jabber:client' from='${ROMEO}' to='${to}' type='chat' id='m${seq}'><body>${body}</body>${extra}<stanza-id xmlns='urn:xmpp:sid:0' by='${to.split('/')[0]}' id='${id}'/></message>`;
  return { seq, event: { id, from: ROMEO, to, acceptedAt, stanza } };
}

describe('OfflineStorageService', () => {
  let records: InMemoryOfflineRecords;
  let accounts: FakeAccounts;
  let outbox: FakeOutbox;
  let sut: OfflineStorageService;

  beforeEach(() => {
    records = new InMemoryOfflineRecords();
    accounts = new FakeAccounts();
    outbox = new FakeOutbox();
    sut = new OfflineStorageService(records, accounts, outbox, {
      XMPP_DOMAIN: DOMAIN,
      OFFLINE_QUOTA: 3,
    });
  });

  it('stores each message for the bare JID of its recipient, with sender, time and delay stamp', async () => {
    const message = undelivered(`${JULIET}/balcony`, 'hello');
    expect(await sut.storeBatch([message])).toEqual({ stored: 1, bounced: 0, dropped: 0 });
    expect(records.rows).toHaveLength(1);
    const row = records.rows[0]!;
    expect(row).toMatchObject({
      owner: JULIET,
      id: message.event.id,
      seq: message.seq,
      sender: ROMEO,
      acceptedAt: new Date(message.event.acceptedAt),
    });
    const stored = parseFrame(row.stanza, { maxStanzaBytes: 65_536, maxDepth: 16 });
    expect(stored.getChildText('body')).toBe('hello');
    expect(stored.getChild('delay', 'urn:xmpp:delay')?.attrs).toMatchObject({
      from: DOMAIN,
      stamp: new Date(message.event.acceptedAt).toISOString(),
    });
  });

  it('hands the messages out oldest first and removes only what it is told', async () => {
    const batch = [
      undelivered(JULIET, 'one'),
      undelivered(JULIET, 'two'),
      undelivered(JULIET, 'three'),
    ];
    await sut.storeBatch(batch);
    const { messages: fetched } = await sut.fetch(JULIET, 2);
    expect(fetched.map((m) => m.id)).toEqual([batch[0]!.event.id, batch[1]!.event.id]);
    expect(
      await sut.remove(
        JULIET,
        fetched.map((m) => m.id),
      ),
    ).toBe(2);
    expect(
      await sut.remove(
        JULIET,
        fetched.map((m) => m.id),
      ),
    ).toBe(0);
    expect((await sut.fetch(JULIET, 10)).messages.map((m) => m.id)).toEqual([batch[2]!.event.id]);
    expect(await sut.fetch('nurse@example.org', 10)).toEqual({ messages: [] });
  });

  it('hands the messages to one delivery run at a time (two resources online at once)', async () => {
    await sut.storeBatch([undelivered(JULIET, 'one'), undelivered(JULIET, 'two')]);
    const first = '0197a000-0000-7000-8000-00000000000a';
    const second = '0197a000-0000-7000-8000-00000000000b';
    const taken = await sut.fetch(JULIET, 10, first);
    expect(taken.leased).toBe(true);
    expect(taken.messages).toHaveLength(2);
    expect(await sut.fetch(JULIET, 10, second)).toEqual({ messages: [], leased: false });
    // The holder goes on page after page.
    expect((await sut.fetch(JULIET, 10, first)).leased).toBe(true);
    expect(await sut.remove(JULIET, [taken.messages[0]!.id], first)).toBe(1);
    // Released: the next run gets what is left.
    expect((await sut.fetch(JULIET, 10, second)).messages).toHaveLength(1);
  });

  it('lets another run deliver once a lease expired (a gateway that died mid-run)', async () => {
    await sut.storeBatch([undelivered(JULIET, 'one')]);
    let now = 1_000_000;
    records.now = () => now;
    const dead = '0197a000-0000-7000-8000-00000000000a';
    const next = '0197a000-0000-7000-8000-00000000000b';
    expect((await sut.fetch(JULIET, 10, dead)).leased).toBe(true);
    now += 29_000;
    expect((await sut.fetch(JULIET, 10, next)).leased).toBe(false);
    now += 2_000;
    expect((await sut.fetch(JULIET, 10, next)).messages).toHaveLength(1);
  });

  it('is idempotent: a redelivered batch stores nothing twice and bounces nothing', async () => {
    const batch = [
      undelivered(JULIET, 'one'),
      undelivered(JULIET, 'two'),
      undelivered(JULIET, 'three'),
    ];
    await sut.storeBatch(batch);
    // The quota (3) is reached by the batch itself; a second run must not mistake it for overflow.
    expect(await sut.storeBatch(batch)).toEqual({ stored: 0, bounced: 0, dropped: 0 });
    expect(records.rows).toHaveLength(3);
    expect(outbox.sent).toEqual([]);
  });

  it('bounces what is over the quota to the sender with service-unavailable', async () => {
    await sut.storeBatch([undelivered(JULIET, 'one'), undelivered(JULIET, 'two')]);
    const third = undelivered(JULIET, 'three');
    const fourth = undelivered(JULIET, 'four');
    const toNurse = undelivered('nurse@example.org', 'other owner');
    expect(await sut.storeBatch([third, fourth, toNurse])).toEqual({
      stored: 2,
      bounced: 1,
      dropped: 0,
    });
    expect(records.rows.map((r) => r.id)).toContain(third.event.id);
    expect(outbox.sent).toHaveLength(1);
    const { to, stanza } = outbox.sent[0]!;
    expect(to).toBe(ROMEO);
    expect(stanza.attrs).toMatchObject({
      type: 'error',
      from: JULIET,
      to: ROMEO,
      id: 'm' + fourth.seq,
    });
    expect(stanza.getChildText('body')).toBe('four');
    const error = stanza.getChild('error');
    expect(error?.attrs.type).toBe('cancel');
    expect(
      error?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'),
    ).toBeDefined();
  });

  it('keeps nothing for an account that is gone or being erased, and answers like for an unknown one', async () => {
    const message = undelivered('erased@example.org', 'too late');
    expect(await sut.storeBatch([message])).toEqual({ stored: 0, bounced: 1, dropped: 0 });
    expect(records.rows).toEqual([]);
    expect(outbox.sent[0]?.to).toBe(ROMEO);
  });

  it('asks the accounts service once per recipient and batch', async () => {
    await sut.storeBatch([
      undelivered(JULIET, 'a'),
      undelivered(`${JULIET}/balcony`, 'b'),
      undelivered('nurse@example.org', 'c'),
    ]);
    expect(accounts.questions.sort()).toEqual([JULIET, 'nurse@example.org']);
  });

  it('fails the batch, storing nothing, when the accounts service does not answer', async () => {
    accounts.failing = true;
    await expect(sut.storeBatch([undelivered(JULIET, 'wait')])).rejects.toThrow(RpcError);
    expect(records.rows).toEqual([]);
    expect(outbox.sent).toEqual([]);
  });

  it('drops chat-state-only and no-store messages without an error', async () => {
    const composing = undelivered(JULIET, 'x');
    composing.event.stanza = `<message xmlns='jabber:client' from='${ROMEO}' to='${JULIET}' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>`;
    const noStore = undelivered(JULIET, 'secret', "<no-store xmlns='urn:xmpp:hints'/>");
    expect(await sut.storeBatch([composing, noStore])).toEqual({
      stored: 0,
      bounced: 0,
      dropped: 2,
    });
    expect(accounts.questions).toEqual([]);
    expect(outbox.sent).toEqual([]);
  });

  it('drops a message that does not parse, and stores the rest of its batch', async () => {
    const broken = undelivered(JULIET, 'x');
    broken.event.stanza = '<message><body>unclosed';
    const fine = undelivered(JULIET, 'fine');
    expect(await sut.storeBatch([broken, fine])).toEqual({ stored: 1, bounced: 0, dropped: 1 });
  });
});
