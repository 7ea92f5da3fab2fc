import { describe, it, expect } from 'vitest';
import { parseFrame } from '@sotto/xmpp';
import { isStorable, withDelay } from './offline-stanza';

const limits = { maxStanzaBytes: 65_536, maxDepth: 32 };
const parse = (stanza: string) => parseFrame(stanza, limits);
const SID = "<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@example.org' id='x'/>";

describe('isStorable', () => {
  it('stores messages with a body, markers and receipts', () => {
    expect(isStorable(parse(`<message type='chat'><body>hi</body>${SID}</message>`))).toBe(true);
    expect(
      isStorable(
        parse(`<message><displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/>${SID}</message>`),
      ),
    ).toBe(true);
  });

  it('does not store a message that holds only a chat state (XEP-0160 §3)', () => {
    const composing = `<message type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/><thread>t</thread>${SID}</message>`;
    expect(isStorable(parse(composing))).toBe(false);
    const withBody = `<message type='chat'><body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>`;
    expect(isStorable(parse(withBody))).toBe(true);
  });

  it('follows the XEP-0334 store hints', () => {
    const noStore = `<message type='chat'><body>secret</body><no-store xmlns='urn:xmpp:hints'/></message>`;
    expect(isStorable(parse(noStore))).toBe(false);
    const store = `<message type='chat'><gone xmlns='http://jabber.org/protocol/chatstates'/><store xmlns='urn:xmpp:hints'/></message>`;
    expect(isStorable(parse(store))).toBe(true);
  });
});

describe('withDelay', () => {
  const acceptedAt = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

  it('adds a XEP-0203 stamp from the domain with the time the server accepted the message', () => {
    const message = parse(
      `<message xmlns='jabber:client' from='romeo@example.org/a' to='juliet@example.org' type='chat'><body>hi</body>${SID}</message>`,
    );
    const stamped = withDelay(message, 'example.org', acceptedAt);
    const delay = stamped.getChild('delay', 'urn:xmpp:delay');
    expect(delay?.attrs).toEqual({
      xmlns: 'urn:xmpp:delay',
      from: 'example.org',
      stamp: '2025-01-02T03:04:05.678Z',
    });
    expect(stamped.getChildText('body')).toBe('hi');
    expect(stamped.attrs.from).toBe('romeo@example.org/a');
    // The original is left alone.
    expect(message.getChild('delay', 'urn:xmpp:delay')).toBeUndefined();
  });

  it('replaces a stamp the sender forged in the server’s name, keeps other stamps', () => {
    const message = parse(
      `<message><body>hi</body><delay xmlns='urn:xmpp:delay' from='example.org' stamp='2001-01-01T00:00:00Z'/><delay xmlns='urn:xmpp:delay' from='romeo@example.org/a' stamp='2024-12-31T00:00:00Z'/></message>`,
    );
    const delays = withDelay(message, 'example.org', acceptedAt).getChildren(
      'delay',
      'urn:xmpp:delay',
    );
    expect(delays.map((d) => [d.attrs.from, d.attrs.stamp])).toEqual([
      ['romeo@example.org/a', '2024-12-31T00:00:00Z'],
      ['example.org', '2025-01-02T03:04:05.678Z'],
    ]);
  });
});
