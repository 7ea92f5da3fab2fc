import { describe, expect, it } from 'vitest';
import type { Element } from './element';
import { StreamParser } from './stream-parser';

const limits = { maxStanzaBytes: 64 * 1024, maxDepth: 32 };

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
  "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' xml:lang='en'>";

type Event =
  | { type: 'open'; attrs: Record<string, string> }
  | { type: 'element'; xml: string; element: Element }
  | { type: 'close' }
  | { type: 'error'; condition: string };

function collect(): { parser: StreamParser; events: Event[] } {
  const events: Event[] = [];
  const parser = new StreamParser(limits, {
    onStreamOpen: (attrs) => events.push({ type: 'open', attrs }),
    onElement: (element) => events.push({ type: 'element', xml: element.toString(), element }),
    onStreamClose: () => events.push({ type: 'close' }),
    onError: (error) => events.push({ type: 'error', condition: error.condition }),
  });
  return { parser, events };
}

function summary(events: Event[]): string[] {
  return events.map((e) =>
    e.type === 'element' ? e.xml : e.type === 'error' ? `error:${e.condition}` : e.type,
  );
}

describe('StreamParser', () => {
  const stanzas =
    "<message to='ju@example.com' type='chat' id='m1'><body>héllo 😀 &amp; &#x263A; &lt;3</body></message>\n" +
    '  <presence><show>away</show></presence>';
  const document = Buffer.from(HEADER + stanzas + '</stream:stream>', 'utf8');
  const expected = [
    'open',
    "<message xmlns='jabber:client' to='ju@example.com' type='chat' id='m1'><body>héllo 😀 &amp; ☺ &lt;3</body></message>",
    "<presence xmlns='jabber:client'><show>away</show></presence>",
    'close',
  ];

  it('reports open, stanzas and close for a normal stream', () => {
    const { parser, events } = collect();
    parser.write(document);
    expect(summary(events)).toEqual(expected);
    expect(events[0]).toEqual({
      type: 'open',
      attrs: {
        xmlns: 'jabber:client',
        'xmlns:stream': 'http://etherx.jabber.org/streams',
        to: 'example.com',
        version: '1.0',
        'xml:lang': 'en',
      },
    });
  });

  it('gives the same result whatever the chunk boundaries, even inside a UTF-8 character', () => {
    for (let split = 1; split < document.length; split++) {
      for (const second of [split + 1, split + 7, document.length]) {
        const { parser, events } = collect();
        parser.write(document.subarray(0, split));
        parser.write(document.subarray(split, second));
        parser.write(document.subarray(second));
        expect(summary(events), `split at ${split}/${second}`).toEqual(expected);
      }
    }
  });

  it('handles byte-by-byte input', () => {
    const { parser, events } = collect();
    for (let i = 0; i < document.length; i++) {
      parser.write(document.subarray(i, i + 1));
    }
    expect(summary(events)).toEqual(expected);
  });

  it('accepts string chunks, including a CR LF split between writes', () => {
    const { parser, events } = collect();
    parser.write(HEADER + '<message\r');
    parser.write("\nto='a@b'><body>x\r");
    parser.write('\ny</body></message>');
    expect(summary(events)).toEqual([
      'open',
      "<message xmlns='jabber:client' to='a@b'><body>x\ny</body></message>",
    ]);
  });

  it('starts a new document after reset()', () => {
    const { parser, events } = collect();
    parser.write(
      HEADER +
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1AHBhc3M=</auth>",
    );
    parser.reset();
    parser.write(
      HEADER.replace("to='example.com'", "to='example.org'") + "<iq type='set' id='b'/>",
    );
    expect(summary(events)).toEqual([
      'open',
      "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1AHBhc3M=</auth>",
      'open',
      "<iq xmlns='jabber:client' type='set' id='b'/>",
    ]);
    expect(events[2]).toMatchObject({ attrs: { to: 'example.org' } });
  });

  it('discards the rest of a chunk when a handler calls reset()', () => {
    const events: string[] = [];
    const parser = new StreamParser(limits, {
      onStreamOpen: () => events.push('open'),
      onElement: (element) => {
        events.push(element.name);
        if (element.name === 'starttls') {
          parser.reset();
        }
      },
      onStreamClose: () => events.push('close'),
      onError: (error) => events.push(error.condition),
    });
    // Plaintext injected after <starttls/> must not reach the new stream.
    parser.write(HEADER + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><iq type='get'/>");
    parser.write(HEADER + '<presence/>');
    expect(events).toEqual(['open', 'starttls', 'open', 'presence']);
  });

  it('ignores input after </stream:stream> until reset()', () => {
    const { parser, events } = collect();
    parser.write(HEADER + '</stream:stream><message/>');
    parser.write('<garbage');
    expect(summary(events)).toEqual(['open', 'close']);
    parser.reset();
    parser.write(HEADER);
    expect(summary(events)).toEqual(['open', 'close', 'open']);
  });

  it('does not buffer whitespace keepalives between stanzas', () => {
    const { parser, events } = collect();
    parser.write(HEADER);
    // Far more whitespace than maxStanzaBytes, as years of keepalives would be.
    for (let i = 0; i < 100; i++) {
      parser.write(' '.repeat(4096));
    }
    parser.write('<presence/>');
    expect(summary(events)).toEqual(['open', "<presence xmlns='jabber:client'/>"]);
  });

  it('accepts a stanza of exactly maxStanzaBytes and refuses one byte more', () => {
    const stanzaOf = (bytes: number): string => {
      const frame = '<message><body>é</body></message>'; // é is 2 bytes
      return frame.replace('é', 'é' + 'x'.repeat(bytes - Buffer.byteLength(frame)));
    };
    const ok = collect();
    ok.parser.write(HEADER + stanzaOf(limits.maxStanzaBytes));
    expect(summary(ok.events)).toHaveLength(2);
    expect(ok.events[1]?.type).toBe('element');
    const tooBig = collect();
    tooBig.parser.write(HEADER + stanzaOf(limits.maxStanzaBytes + 1));
    expect(summary(tooBig.events)).toEqual(['open', 'error:policy-violation']);
  });
});

describe('StreamParser namespace normalisation', () => {
  function parseOne(stanza: string, header = HEADER): string {
    const { parser, events } = collect();
    parser.write(header + stanza);
    const found = events.find((e) => e.type === 'element');
    expect(found, summary(events).join(' ')).toBeDefined();
    return found?.type === 'element' ? found.xml : '';
  }

  it('states jabber:client on stanzas and keeps child namespaces where they change', () => {
    expect(
      parseOne(
        "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'><item jid='a@b'/></query></iq>",
      ),
    ).toBe(
      "<iq xmlns='jabber:client' type='get' id='r1'><query xmlns='jabber:iq:roster'><item jid='a@b'/></query></iq>",
    );
  });

  it('uses the resolved namespace of nonzas such as <auth>', () => {
    expect(
      parseOne("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>=</auth>"),
    ).toBe("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>=</auth>");
  });

  it('drops element prefixes and unused prefix declarations', () => {
    expect(parseOne("<message><p:x xmlns:p='urn:a'><p:y/><z xmlns='urn:b'/></p:x></message>")).toBe(
      "<message xmlns='jabber:client'><x xmlns='urn:a'><y/><z xmlns='urn:b'/></x></message>",
    );
    expect(
      parseOne(
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
      ),
    ).toBe(
      "<features xmlns='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></features>",
    );
  });

  it('keeps prefix declarations that prefixed attributes need, where they were declared', () => {
    expect(
      parseOne("<message xmlns:p='urn:a' xmlns:q='urn:q'><x><y p:attr='1'/></x></message>"),
    ).toBe("<message xmlns='jabber:client' xmlns:p='urn:a'><x><y p:attr='1'/></x></message>");
  });

  it('copies a declaration made on the stream root onto the stanza', () => {
    const header = HEADER.replace('<stream:stream ', "<stream:stream xmlns:ext='urn:ext' ");
    const xmlText = parseOne("<message ext:hint='no-store'><body>x</body></message>", header);
    expect(xmlText).toBe(
      "<message xmlns='jabber:client' ext:hint='no-store' xmlns:ext='urn:ext'><body>x</body></message>",
    );
  });

  it('marks an element that leaves the default namespace with xmlns=""', () => {
    expect(parseOne("<message><x xmlns=''/></message>")).toBe(
      "<message xmlns='jabber:client'><x xmlns=''/></message>",
    );
  });

  it('needs no declaration for xml:lang', () => {
    expect(parseOne("<message xml:lang='fr'><body>salut</body></message>")).toBe(
      "<message xmlns='jabber:client' xml:lang='fr'><body>salut</body></message>",
    );
  });

  it('accepts any prefix for the stream namespace', () => {
    const header = "<s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams'>";
    expect(parseOne('<presence/>', header)).toBe("<presence xmlns='jabber:client'/>");
  });
});
