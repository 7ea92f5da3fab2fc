import { describe, it, expect } from 'vitest';
import type { ChatMessageEvent } from '@sotto/contracts';
import { archiveRows, InvalidEventError } from './archive-rows';

const id = '018f0f6e-1c2a-7b3c-8d4e-5f6a7b8c9d0e';
const acceptedAt = Date.parse('2024-05-01T10:00:00Z');

function event(to: string, body: string, from = 'juliet@example.org/balcony'): ChatMessageEvent {
  return {
    id,
    from,
    to,
    acceptedAt,
    stanza: `<message xmlns='jabber:client' from='${from}' to='${to}' type='chat'>${body}<stanza-id xmlns='urn:xmpp:sid:0' by='romeo@example.org' id='${id}'/></message>`,
  };
}

describe('archiveRows', () => {
  it('makes one row in each party’s archive, with the same id', () => {
    const sent = event('romeo@example.org', '<body>hi</body>');
    const common = { id, sentAt: new Date(acceptedAt), stanza: sent.stanza };
    expect(archiveRows(sent)).toEqual([
      {
        ...common,
        ownerJid: 'juliet@example.org',
        withJid: 'romeo@example.org',
        withResource: null,
        direction: 'out',
      },
      {
        ...common,
        ownerJid: 'romeo@example.org',
        withJid: 'juliet@example.org',
        withResource: 'balcony',
        direction: 'in',
      },
    ]);
  });

  it('keeps the resource a message was addressed to', () => {
    const [outgoing] = archiveRows(event('romeo@example.org/orchard', '<body>hi</body>'));
    expect(outgoing).toMatchObject({ withJid: 'romeo@example.org', withResource: 'orchard' });
  });

  it('makes one row for a message to oneself', () => {
    const rows = archiveRows(event('juliet@example.org/chamber', '<body>note</body>'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      ownerJid: 'juliet@example.org',
      withJid: 'juliet@example.org',
      direction: 'out',
    });
  });

  it.each([
    ['a chat marker', "<displayed xmlns='urn:xmpp:chat-markers:0' id='x'/>"],
    ['a chat state', "<composing xmlns='http://jabber.org/protocol/chatstates'/>"],
    ['a no-store hint', "<body>secret</body><no-store xmlns='urn:xmpp:hints'/>"],
    [
      'a no-permanent-store hint',
      "<body>secret</body><no-permanent-store xmlns='urn:xmpp:hints'/>",
    ],
  ])('archives nothing for %s', (_name, body) => {
    expect(archiveRows(event('romeo@example.org', body))).toEqual([]);
  });

  it('refuses a stanza that does not parse or is no message', () => {
    expect(() => archiveRows({ ...event('romeo@example.org', ''), stanza: '<message>' })).toThrow(
      InvalidEventError,
    );
    expect(() => archiveRows({ ...event('romeo@example.org', ''), stanza: '<iq/>' })).toThrow(
      InvalidEventError,
    );
  });
});
