import { describe, it, expect } from 'vitest';
import type { ChatMessageEvent } from '@sotto/contracts';
import { UnreadableEventError, inboxChangeOf } from './inbox-change';

const id = '0190a000-0000-7000-8000-000000000001';

function accepted(inner: string, attrs = " id='m1'"): ChatMessageEvent {
  return {
    id,
    from: 'romeo@example.org/orchard',
    to: 'juliet@example.org/balcony',
    acceptedAt: Date.UTC(2026, 0, 1),
    stanza: `<message xmlns='jabber:client' type='chat'${attrs}>${inner}</message>`,
  };
}

const displayedOnly = new Set(['displayed'] as const);
const marker = (name: string, markedId = 'x1') =>
  `<${name} xmlns='urn:xmpp:chat-markers:0' id='${markedId}'/>`;

describe('inboxChangeOf', () => {
  it('makes a message with a body the last message of both bare JIDs’ entries', () => {
    const event = accepted('<body>hi</body>');
    expect(inboxChangeOf(event, displayedOnly)).toEqual({
      kind: 'message',
      sender: 'romeo@example.org',
      recipient: 'juliet@example.org',
      content: event.stanza,
      msgId: 'm1',
      stanzaId: id,
      at: new Date(Date.UTC(2026, 0, 1)),
    });
    expect(inboxChangeOf(accepted('<body>hi</body>', ''), displayedOnly)).toMatchObject({
      msgId: null,
    });
  });

  it('follows the storage hints: store without a body counts, no-store never', () => {
    const store = "<store xmlns='urn:xmpp:hints'/>";
    const noStore = "<no-store xmlns='urn:xmpp:hints'/>";
    expect(inboxChangeOf(accepted(store), displayedOnly)?.kind).toBe('message');
    expect(inboxChangeOf(accepted(`<body>hi</body>${noStore}`), displayedOnly)).toBeUndefined();
  });

  it('turns a reset marker into a read of the sender’s entry; other markers change nothing', () => {
    expect(inboxChangeOf(accepted(marker('displayed')), displayedOnly)).toEqual({
      kind: 'marker',
      owner: 'romeo@example.org',
      remote: 'juliet@example.org',
      markedId: 'x1',
    });
    expect(inboxChangeOf(accepted(marker('received')), displayedOnly)).toBeUndefined();
    expect(
      inboxChangeOf(accepted(marker('acknowledged')), new Set(['acknowledged'] as const)),
    ).toMatchObject({ kind: 'marker' });
    // A marker with a body is still only a marker, as in MongooseIM.
    expect(
      inboxChangeOf(accepted(`<body>seen</body>${marker('displayed')}`), displayedOnly),
    ).toMatchObject({ kind: 'marker' });
    expect(
      inboxChangeOf(accepted(`<body>ok</body>${marker('received')}`), displayedOnly),
    ).toBeUndefined();
  });

  it('changes nothing for chat states, receipts and a body in another namespace', () => {
    for (const inner of [
      "<active xmlns='http://jabber.org/protocol/chatstates'/>",
      "<received xmlns='urn:xmpp:receipts' id='m0'/>",
      "<body xmlns='urn:example:other'>x</body>",
    ]) {
      expect(inboxChangeOf(accepted(inner), displayedOnly)).toBeUndefined();
    }
  });

  it('throws for a stanza that does not parse', () => {
    expect(() =>
      inboxChangeOf({ ...accepted(''), stanza: '<message><body>' }, displayedOnly),
    ).toThrow(UnreadableEventError);
  });
});
