import { describe, expect, it } from 'vitest';
import type { StreamError } from './stream-error';
import { StreamParser } from './stream-parser';

const HEADER =
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

const BILLION_LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
  HEADER +
  '<message><body>&lol9;</body></message>';

function run(
  chunks: (string | Buffer)[],
  limits = { maxStanzaBytes: 10_000, maxDepth: 16 },
): { errors: StreamError[]; elements: string[]; writes: number } {
  const errors: StreamError[] = [];
  const elements: string[] = [];
  let writes = 0;
  const parser = new StreamParser(limits, {
    onStreamOpen: () => undefined,
    onElement: (element) => elements.push(element.toString()),
    onStreamClose: () => undefined,
    onError: (error) => errors.push(error),
  });
  for (const chunk of chunks) {
    if (errors.length === 0) {
      writes++;
    }
    parser.write(chunk);
  }
  return { errors, elements, writes };
}

function conditions(chunks: (string | Buffer)[]): string[] {
  return run(chunks).errors.map((e) => e.condition);
}

describe('StreamParser hardening', () => {
  it('refuses the billion laughs at its DOCTYPE, expanding nothing', () => {
    const result = run([BILLION_LAUGHS]);
    expect(result.errors.map((e) => e.condition)).toEqual(['restricted-xml']);
    expect(result.elements).toEqual([]);
  });

  it('refuses references to undefined entities as not-well-formed', () => {
    expect(conditions([HEADER + '<message><body>&lol9;</body></message>'])).toEqual([
      'not-well-formed',
    ]);
    // Inherited Object properties must not pass for entities either.
    expect(conditions([HEADER + '<message><body>&constructor;</body></message>'])).toEqual([
      'not-well-formed',
    ]);
  });

  it('accepts the predefined entities and character references', () => {
    const result = run([
      HEADER + "<message><body a='&quot;'>&amp;&lt;&gt;&apos;&#65;&#x42;</body></message>",
    ]);
    expect(result.errors).toEqual([]);
    expect(result.elements).toEqual([
      "<message xmlns='jabber:client'><body a='&quot;'>&amp;&lt;&gt;'AB</body></message>",
    ]);
  });

  it.each([
    ['a DOCTYPE', "<!DOCTYPE stream:stream SYSTEM 'x'>" + HEADER],
    ['a DOCTYPE, before it is complete', '<!DOCTYPE stream [' + ' '.repeat(100)],
    ['an entity declaration', HEADER + "<!ENTITY x 'y'>"],
    ['a comment between stanzas', HEADER + '<!-- hello -->'],
    ['a comment inside a stanza', HEADER + '<message><!-- hello --></message>'],
    ['an unterminated comment', HEADER + '<message><!--' + 'x'.repeat(100)],
    ['a processing instruction', HEADER + "<?xml-stylesheet href='x'?>"],
    ['a processing instruction before the stream', "<?xml-stylesheet href='x'?>" + HEADER],
    ['a processing instruction inside a stanza', HEADER + '<message><?php echo 1; ?></message>'],
    ['a second XML declaration', HEADER + "<?xml version='1.0'?>"],
  ])('refuses %s as restricted-xml', (_, input) => {
    expect(conditions([input])).toEqual(['restricted-xml']);
  });

  it('spots restricted markup split across chunks', () => {
    expect(conditions([HEADER + '<message><', '!', '-', '-'])).toEqual(['restricted-xml']);
    const split = run([HEADER + '<message><', '!--' + 'x'.repeat(100), 'more']);
    expect(split.errors.map((e) => e.condition)).toEqual(['restricted-xml']);
    expect(split.writes).toBe(2);
    expect(
      conditions([HEADER + '<message><![CDA', 'TA[ <!-- not a comment ]', ']></message><', '?x?>']),
    ).toEqual(['restricted-xml']);
  });

  it('accepts CDATA sections, even holding "<!" or "<?"', () => {
    const result = run([HEADER + '<message><body><![CDATA[<!-- <?x?> & ]]]></body></message>']);
    expect(result.errors).toEqual([]);
    expect(result.elements).toEqual([
      "<message xmlns='jabber:client'><body>&lt;!-- &lt;?x?&gt; &amp; ]</body></message>",
    ]);
  });

  it.each([
    ['a mismatched end tag', HEADER + '<message></presence>'],
    ['an unquoted attribute', HEADER + '<message to=a/>'],
    ['a control character', HEADER + '<message>\u0001</message>'],
    ['an unbound prefix', HEADER + '<x:message/>'],
    ['a duplicate attribute', HEADER + "<message to='a' to='b'/>"],
  ])('refuses %s as not-well-formed', (_, input) => {
    expect(conditions([input])).toEqual(['not-well-formed']);
  });

  it.each([
    ['0xC3 0x28', Buffer.from([0xc3, 0x28])],
    ['0xFF', Buffer.from([0xff])],
  ])('refuses invalid UTF-8 (%s) as unsupported-encoding', (_, bytes) => {
    expect(conditions([Buffer.from(HEADER + '<message><body>'), bytes])).toEqual([
      'unsupported-encoding',
    ]);
  });

  it('refuses a declared encoding other than UTF-8', () => {
    expect(conditions(["<?xml version='1.0' encoding='ISO-8859-1'?>" + HEADER])).toEqual([
      'unsupported-encoding',
    ]);
  });

  it.each([
    ['a wrong default namespace', HEADER.replace("xmlns='jabber:client'", "xmlns='jabber:server'")],
    ['no default namespace', HEADER.replace("xmlns='jabber:client' ", '')],
    ['a wrong stream namespace', HEADER.replace('http://etherx.jabber.org/streams', 'urn:wrong')],
    [
      'a root other than stream',
      "<stream:open xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
    ],
  ])('refuses %s as invalid-namespace', (_, header) => {
    expect(conditions([header + '<presence/>'])).toEqual(['invalid-namespace']);
  });

  it('fails a 10 MB stanza at the first 64 kB chunk past the limit, reporting once', () => {
    const limits = { maxStanzaBytes: 100_000, maxDepth: 16 };
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const chunks: Buffer[] = [Buffer.from(HEADER + '<message><body>')];
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) {
      chunks.push(chunk);
    }
    chunks.push(Buffer.from('</body></message>'));
    const result = run(chunks, limits);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.condition).toBe('policy-violation');
    expect(result.errors[0]?.text).toBe('stanza too large');
    // Header chunk, then the first two 64 kB chunks (128 kB crosses 100 kB).
    expect(result.writes).toBe(3);
    expect(result.elements).toEqual([]);
  });

  it('counts stanza bytes exactly, whatever the chunking and tag terminator', () => {
    const pad = 'x'.repeat(300); // keeps stanzas larger than the stream header
    const stanzas = [
      `<message><body>é😀${pad}</body></message>`,
      `<méssage\r\nto='a'>${pad}</méssage>`,
      `<iq\ttype='get'><q xmlns='urn:q'>${pad}</q></iq>`,
      `<presence ${pad.replace(/x/g, ' ')}/>`,
    ];
    for (const stanza of stanzas) {
      const input = Buffer.from(HEADER + '\n ' + stanza + ' ');
      const size = Buffer.byteLength(stanza);
      for (let split = HEADER.length; split < input.length; split++) {
        const chunks = [input.subarray(0, split), input.subarray(split)];
        const fits = run(chunks, { maxStanzaBytes: size, maxDepth: 16 });
        expect(fits.errors, `${stanza} split at ${split}`).toEqual([]);
        expect(fits.elements).toHaveLength(1);
        const tooBig = run(chunks, { maxStanzaBytes: size - 1, maxDepth: 16 });
        expect(
          tooBig.errors.map((e) => e.condition),
          `${stanza} split at ${split}`,
        ).toEqual(['policy-violation']);
      }
    }
  });

  it('bounds whatever is buffered outside stanzas too', () => {
    const limits = { maxStanzaBytes: 1_000, maxDepth: 16 };
    const hugeHeader = "<stream:stream xmlns='jabber:client' x='" + 'a'.repeat(2_000);
    expect(run([hugeHeader], limits).errors.map((e) => e.condition)).toEqual(['policy-violation']);
    const hugeEndTag = HEADER + '</' + 'a'.repeat(2_000);
    expect(run([hugeEndTag], limits).errors.map((e) => e.condition)).toEqual(['policy-violation']);
  });

  it('fails 10 000-deep nesting as soon as maxDepth is passed', () => {
    const deep = '<a>'.repeat(10_000);
    const result = run([HEADER, deep], { maxStanzaBytes: 1_000_000, maxDepth: 16 });
    expect(result.errors.map((e) => [e.condition, e.text])).toEqual([
      ['policy-violation', 'nesting too deep'],
    ]);
    // Exactly maxDepth levels are fine; the error arrives with the next start tag.
    const early = run([HEADER, '<a>'.repeat(16), '<a>', deep], {
      maxStanzaBytes: 1_000_000,
      maxDepth: 16,
    });
    expect(early.errors).toHaveLength(1);
    expect(early.writes).toBe(3);
  });

  it('parses nesting right up to a large maxDepth without recursion', () => {
    const depth = 10_000;
    const input = HEADER + '<a>'.repeat(depth) + '</a>'.repeat(depth);
    const result = run([input], { maxStanzaBytes: 1_000_000, maxDepth: depth });
    expect(result.errors).toEqual([]);
    expect(result.elements[0]).toBe(
      "<a xmlns='jabber:client'>" + '<a>'.repeat(depth - 2) + '<a/>' + '</a>'.repeat(depth - 1),
    );
  });

  it('reports nothing after an error and ignores further writes', () => {
    const result = run([HEADER + '<message><!-- x --></message>', '<presence/>', HEADER]);
    expect(result.errors).toHaveLength(1);
    expect(result.elements).toEqual([]);
  });

  it('delivers stanzas completed before the error', () => {
    const result = run([HEADER + '<presence/><!-- x -->']);
    expect(result.elements).toEqual(["<presence xmlns='jabber:client'/>"]);
    expect(result.errors.map((e) => e.condition)).toEqual(['restricted-xml']);
  });
});
