import { describe, expect, it } from 'vitest';
import { parseFrame } from './frame-parser';
import { StreamError } from './stream-error';
import { StreamParser } from './stream-parser';

const limits = { maxStanzaBytes: 1_000, maxDepth: 8 };

function failure(frame: string | Buffer, frameLimits = limits): string {
  try {
    parseFrame(frame, frameLimits);
  } catch (error) {
    expect(error).toBeInstanceOf(StreamError);
    return (error as StreamError).condition;
  }
  throw new Error('frame was accepted');
}

describe('parseFrame', () => {
  it('parses <open/> and <close/>', () => {
    const open = parseFrame(
      "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0' xml:lang='en'/>",
      limits,
    );
    expect(open.name).toBe('open');
    expect(open.attrs).toEqual({
      xmlns: 'urn:ietf:params:xml:ns:xmpp-framing',
      to: 'example.com',
      version: '1.0',
      'xml:lang': 'en',
    });
    const close = parseFrame(
      Buffer.from("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"),
      limits,
    );
    expect(close.toString()).toBe("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  });

  it('parses a stanza, tolerating surrounding whitespace and an XML declaration', () => {
    const frame =
      "<?xml version='1.0'?>\n<message xmlns='jabber:client' to='a@b'><body>hé</body></message>\n";
    expect(parseFrame(Buffer.from(frame), limits).toString()).toBe(
      "<message xmlns='jabber:client' to='a@b'><body>hé</body></message>",
    );
  });

  it('takes a root without a namespace as jabber:client', () => {
    const iq = parseFrame("<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>", limits);
    expect(iq.xmlns).toBe('jabber:client');
    expect(iq.toString()).toBe(
      "<iq xmlns='jabber:client' type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>",
    );
  });

  it('normalises like the stream parser does', () => {
    const frame =
      "<message xmlns='jabber:client' xmlns:p='urn:p' p:a='1'><q:x xmlns:q='urn:q'/></message>";
    const fromFrame = parseFrame(frame, limits).toString();
    let fromStream = '';
    const parser = new StreamParser(limits, {
      onStreamOpen: () => undefined,
      onElement: (element) => (fromStream = element.toString()),
      onStreamClose: () => undefined,
      onError: (error) => {
        throw error;
      },
    });
    parser.write(
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' xmlns:p='urn:p'>" +
        "<message p:a='1'><x xmlns='urn:q'/></message>",
    );
    expect(fromFrame).toBe(
      "<message xmlns='jabber:client' xmlns:p='urn:p' p:a='1'><x xmlns='urn:q'/></message>",
    );
    expect(fromStream).toBe(
      "<message xmlns='jabber:client' p:a='1' xmlns:p='urn:p'><x xmlns='urn:q'/></message>",
    );
    // Same element, attribute order aside.
    expect(parseFrame(fromStream, limits).attrs).toEqual(parseFrame(fromFrame, limits).attrs);
  });

  it.each([
    ['an empty frame', ''],
    ['whitespace only', '  '],
    ['two elements', '<presence/><presence/>'],
    ['text after the element', '<presence/>hi'],
    ['an unclosed element', '<message><body>'],
    ['an undefined entity', '<message>&lol;</message>'],
    ['a stream header', "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"],
  ])('refuses %s as not-well-formed', (_, frame) => {
    expect(failure(frame)).toBe('not-well-formed');
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE message><message/>'],
    [
      'the billion laughs',
      '<!DOCTYPE l [<!ENTITY l "l"><!ENTITY l2 "&l;&l;">]><message>&l2;</message>',
    ],
    ['a comment', '<message><!-- c --></message>'],
    ['a processing instruction', '<message/><?pi x?>'],
  ])('refuses %s as restricted-xml', (_, frame) => {
    expect(failure(frame)).toBe('restricted-xml');
  });

  it('refuses invalid UTF-8', () => {
    expect(failure(Buffer.from([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]))).toBe(
      'unsupported-encoding',
    );
    expect(failure(Buffer.from([0x3c, 0x61, 0x2f, 0x3e, 0xff]))).toBe('unsupported-encoding');
  });

  it('checks the byte length before parsing', () => {
    const body = 'é'.repeat(500); // 1 000 bytes of body
    expect(failure(`<message><body>${body}</body></message>`)).toBe('policy-violation');
    const fits = `<m>${'x'.repeat(limits.maxStanzaBytes - 7)}</m>`;
    expect(parseFrame(fits, limits).text()).toHaveLength(limits.maxStanzaBytes - 7);
  });

  it('refuses nesting deeper than maxDepth', () => {
    expect(parseFrame('<a>'.repeat(8) + '</a>'.repeat(8), limits).name).toBe('a');
    expect(failure('<a>'.repeat(9) + '</a>'.repeat(9))).toBe('policy-violation');
    expect(failure('<a>'.repeat(10_000), { maxStanzaBytes: 1_000_000, maxDepth: 8 })).toBe(
      'policy-violation',
    );
  });
});
