import { describe, expect, it } from 'vitest';
import { JidError } from './jid-error';
import { prepDomainpart, prepLocalpart, prepResourcepart } from './jid-prep';

describe('prepLocalpart', () => {
  it('lower-cases, width-maps and composes', () => {
    expect(prepLocalpart('Juliet')).toBe('juliet');
    expect(prepLocalpart('ＲＯＭＥＯ１')).toBe('romeo1');
    expect(prepLocalpart('ÉLODIE')).toBe('élodie');
    // e + combining acute composes to é.
    expect(prepLocalpart('e\u0301')).toBe('\u00e9');
    expect(prepLocalpart('Σοφία')).toBe('σοφία');
    expect(prepLocalpart('user.name+tag_1-x!#$%*')).toBe('user.name+tag_1-x!#$%*');
  });

  it.each([
    ['a space', 'a b'],
    ['a non-ASCII space', 'a\u00a0b'],
    ['a control', 'a\u0001'],
    ['a symbol', 'I♥NY'],
    ['a compatibility character', 'ﬁsh'],
    ['an unassigned code point', 'a\u0378'],
    ['a zero-width joiner', 'a\u200db'],
    ...['"', '&', "'", '/', ':', '<', '>', '@'].map((ch) => [`"${ch}"`, `a${ch}b`]),
  ])('refuses %s', (_, input) => {
    expect(() => prepLocalpart(input)).toThrow(JidError);
  });

  it('refuses empty and over-long localparts', () => {
    expect(() => prepLocalpart('')).toThrow(JidError);
    expect(() => prepLocalpart('a'.repeat(1024))).toThrow(JidError);
  });
});

describe('prepResourcepart', () => {
  it('keeps case, symbols and spaces, mapping other spaces to U+0020', () => {
    expect(prepResourcepart('Home Laptop ♥ 😀/x@y')).toBe('Home Laptop ♥ 😀/x@y');
    expect(prepResourcepart('a\u00a0b\u2003c')).toBe('a b c');
    expect(prepResourcepart('e\u0301')).toBe('\u00e9');
    expect(prepResourcepart('private\ue000use')).toBe('private\ue000use');
  });

  it.each([
    ['empty', ''],
    ['a control', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['an unassigned code point', '\u0378'],
    ['a lone surrogate', 'a\ud800b'],
    ['1024 bytes', 'x'.repeat(1024)],
  ])('refuses %s', (_, input) => {
    expect(() => prepResourcepart(input)).toThrow(JidError);
  });
});

describe('prepDomainpart', () => {
  it('lower-cases and strips one trailing dot', () => {
    expect(prepDomainpart('Example.COM.')).toBe('example.com');
    expect(() => prepDomainpart('example.com..')).toThrow(JidError);
    expect(() => prepDomainpart('.')).toThrow(JidError);
  });

  it('returns IDNs in Unicode form, whatever form they came in', () => {
    expect(prepDomainpart('例え.テスト')).toBe('例え.テスト');
    expect(prepDomainpart('xn--r8jz45g.xn--zckzah')).toBe('例え.テスト');
    expect(prepDomainpart('ｅｘａｍｐｌｅ．com')).toBe('example.com');
  });

  it('keeps IP literals', () => {
    expect(prepDomainpart('127.0.0.1')).toBe('127.0.0.1');
    expect(prepDomainpart('[::1]')).toBe('[::1]');
  });

  it.each([
    ['empty', ''],
    ['a space', 'exa mple.com'],
    ['an at sign', 'a@b'],
    ['a slash', 'a/b'],
    ['a colon', 'example.com:5222'],
    ['a percent escape', 'a%41.com'],
    ['an underscore', 'a_b.com'],
    ['an empty label', 'a..b'],
    ['a leading hyphen', '-a.com'],
    ['a 64-octet label', `${'a'.repeat(64)}.com`],
    ['a numeric last label', '1.2.3'],
    ['a hex IPv4 shorthand', '0x7f.1'],
    ['a bad IPv6 literal', '[1:2:3]'],
    ['a fullwidth slash', 'a／b.com'],
  ])('refuses %s', (_, input) => {
    expect(() => prepDomainpart(input)).toThrow(JidError);
  });
});
