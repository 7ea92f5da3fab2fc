import { describe, expect, it } from 'vitest';
import { Jid } from './jid';
import { JidError } from './jid-error';

describe('Jid.parse', () => {
  it('splits local, domain and resource', () => {
    const jid = Jid.parse('juliet@example.com/balcony');
    expect([jid.local, jid.domain, jid.resource]).toEqual(['juliet', 'example.com', 'balcony']);
    expect(jid.toString()).toBe('juliet@example.com/balcony');
    expect(jid.bareString()).toBe('juliet@example.com');
    expect(jid.isBare()).toBe(false);
  });

  it('parses domain-only and domain/resource JIDs', () => {
    const domain = Jid.parse('example.com');
    expect([domain.local, domain.domain, domain.resource]).toEqual([
      undefined,
      'example.com',
      undefined,
    ]);
    expect(domain.isBare()).toBe(true);
    expect(Jid.parse('example.com/r').toString()).toBe('example.com/r');
  });

  it('takes everything after the first slash as the resource (RFC 7622 §3.1)', () => {
    expect(Jid.parse('a@b/c/d').resource).toBe('c/d');
    const odd = Jid.parse('a/b@c');
    expect([odd.local, odd.domain, odd.resource]).toEqual([undefined, 'a', 'b@c']);
    expect(Jid.parse('a@example.com/x@y').resource).toBe('x@y');
  });

  it('case-folds localpart and domainpart but not the resourcepart', () => {
    const jid = Jid.parse('Juliet@EXAMPLE.Com/Balcony');
    expect(jid.toString()).toBe('juliet@example.com/Balcony');
  });

  it('maps fullwidth characters and strips a trailing dot from the domain', () => {
    expect(Jid.parse('ＪＵＬＩＥＴ@example.com.').toString()).toBe('juliet@example.com');
  });

  it('keeps internationalised domains in Unicode form', () => {
    expect(Jid.parse('user@MÜNCHEN.de').domain).toBe('münchen.de');
    expect(Jid.parse('user@xn--mnchen-3ya.de').domain).toBe('münchen.de');
    expect(Jid.parse('user@münchen.de').equals(Jid.parse('user@xn--mnchen-3ya.de'))).toBe(true);
  });

  it('accepts IP literals as domains', () => {
    expect(Jid.parse('a@192.0.2.1/r').domain).toBe('192.0.2.1');
    expect(Jid.parse('a@[2001:DB8::1]').domain).toBe('[2001:db8::1]');
  });

  it.each([
    '',
    '@example.com',
    'user@',
    'user@example.com/',
    'a b@example.com',
    'a"b@example.com',
    "a'b@example.com",
    'a&b@example.com',
    'a:b@example.com',
    'a<b@example.com',
    'a>b@example.com',
    'a@b@example.com',
    'user@exa mple.com',
    'user@exa_mple.com',
    'user@example..com',
    'user@-example.com',
    'user@1.2.3',
    'user@[not-ipv6]',
    '/resource',
    'user@example.com/\u0007',
    'use\u0000r@example.com',
  ])('refuses %j', (input) => {
    expect(() => Jid.parse(input)).toThrow(JidError);
  });

  it('enforces the 1023-byte part limits', () => {
    const local = 'a'.repeat(1023);
    expect(Jid.parse(`${local}@example.com`).local).toBe(local);
    expect(() => Jid.parse(`${local}a@example.com`)).toThrow(JidError);
    // Two bytes each: 512 of them is 1024 bytes.
    expect(() => Jid.parse(`${'é'.repeat(512)}@example.com`)).toThrow(JidError);
    expect(Jid.parse(`a@example.com/${'é'.repeat(511)}x`).resource).toHaveLength(512);
    expect(() => Jid.parse(`a@example.com/${'é'.repeat(512)}`)).toThrow(JidError);
    expect(() => Jid.parse(`a@${'a'.repeat(64)}.com`)).toThrow(JidError);
    expect(Jid.parse(`a@${'a'.repeat(63)}.com`).domain).toHaveLength(67);
  });
});

describe('Jid', () => {
  it('of() prepares each part and refuses empty ones', () => {
    expect(Jid.of('Romeo', 'Example.net', 'Orchard').toString()).toBe('romeo@example.net/Orchard');
    expect(Jid.of(undefined, 'example.net').toString()).toBe('example.net');
    expect(() => Jid.of('', 'example.net')).toThrow(JidError);
    expect(() => Jid.of('romeo', '')).toThrow(JidError);
    expect(() => Jid.of('romeo', 'example.net', '')).toThrow(JidError);
  });

  it('bare() and withResource()', () => {
    const full = Jid.parse('romeo@example.net/orchard');
    expect(full.bare().toString()).toBe('romeo@example.net');
    expect(full.bare().isBare()).toBe(true);
    const bare = full.bare();
    expect(bare.bare()).toBe(bare);
    expect(bare.withResource('Phone\u3000One').toString()).toBe('romeo@example.net/Phone One');
    expect(() => bare.withResource('')).toThrow(JidError);
  });

  it('compares prepared forms', () => {
    expect(
      Jid.parse('Romeo@Example.NET/orchard').equals(Jid.parse('romeo@example.net/orchard')),
    ).toBe(true);
    expect(
      Jid.parse('romeo@example.net/Orchard').equals(Jid.parse('romeo@example.net/orchard')),
    ).toBe(false);
    expect(Jid.parse('romeo@example.net').equals(Jid.parse('romeo@example.net/orchard'))).toBe(
      false,
    );
    expect(Jid.parse('example.net').equals(Jid.parse('romeo@example.net'))).toBe(false);
  });
});
