import { describe, expect, it } from 'vitest';
import { parseFrame, type Element } from '@sotto/xmpp';
import { CapsAnswerError, capsVer, readDiscoInfo, verificationString } from './caps-verification';

const limits = { maxStanzaBytes: 65_536, maxDepth: 16 };
const NS_INFO = 'http://jabber.org/protocol/disco#info';

function query(children: string): Element {
  return parseFrame(`<query xmlns='${NS_INFO}'>${children}</query>`, limits);
}

const features = (...names: string[]) => names.map((name) => `<feature var='${name}'/>`).join('');
const form = (formType: string, fields = '', typeAttr = " type='hidden'") =>
  `<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'${typeAttr}>` +
  `<value>${formType}</value></field>${fields}</x>`;

const BASIC = features(
  'http://jabber.org/protocol/caps',
  'http://jabber.org/protocol/disco#info',
  'http://jabber.org/protocol/disco#items',
  'http://jabber.org/protocol/muc',
);

// XEP-0115 §5.2
const SIMPLE = query(`<identity category='client' type='pc' name='Exodus 0.9.1'/>${BASIC}`);

// XEP-0115 §5.3, the features in another order than sorted
const COMPLEX = query(
  `<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>` +
    `<identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>` +
    features(
      'http://jabber.org/protocol/muc',
      'http://jabber.org/protocol/disco#info',
      'http://jabber.org/protocol/caps',
      'http://jabber.org/protocol/disco#items',
    ) +
    form(
      'urn:xmpp:dataforms:softwareinfo',
      `<field var='os'><value>Mac</value></field>` +
        `<field var='ip_version' type='text-multi'><value>ipv6</value><value>ipv4</value></field>` +
        `<field var='os_version'><value>10.5.1</value></field>` +
        `<field var='software_version'><value>0.11</value></field>` +
        `<field var='software'><value>Psi</value></field>`,
    ),
);

const ver = (q: Element, hash = 'sha-1') => capsVer(readDiscoInfo(q, 512), hash);

describe('XEP-0115 verification string', () => {
  it('hashes the simple generation example (§5.2)', () => {
    const info = readDiscoInfo(SIMPLE, 512);
    expect(verificationString(info).toString('utf8')).toBe(
      'client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<' +
        'http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<' +
        'http://jabber.org/protocol/muc<',
    );
    expect(capsVer(info, 'sha-1')).toBe('QgayPKawpkPSDYmwT/WM94uAlu0=');
  });

  it('hashes the complex generation example with an extended form (§5.3)', () => {
    expect(ver(COMPLEX)).toBe('q07IKJEyjvHSyhy//CH0CxmKi8w=');
    expect(verificationString(readDiscoInfo(COMPLEX, 512)).toString('utf8')).toContain(
      'urn:xmpp:dataforms:softwareinfo<ip_version<ipv4<ipv6<os<Mac<os_version<10.5.1<',
    );
  });

  it('sorts by UTF-8 octets ("i;octet"), not by UTF-16 code units', () => {
    const info = readDiscoInfo(
      query(`<identity category='client' type='pc'/>${features('a\u{1F600}', 'a\uFFFD')}`),
      512,
    );
    expect(verificationString(info).toString('utf8')).toBe('client/pc//<a\uFFFD<a\u{1F600}<');
  });

  it('supports the SHA-2 family and refuses to verify MD5 or unknown hashes', () => {
    expect(ver(SIMPLE, 'sha-256')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(ver(SIMPLE, 'md5')).toBeUndefined();
    expect(ver(SIMPLE, 'toString')).toBeUndefined();
  });

  it('ignores a form without a hidden FORM_TYPE, or without FORM_TYPE (§5.4 step 3.6)', () => {
    const plain = query(`<identity category='client' type='pc' name='Exodus 0.9.1'/>${BASIC}`);
    const withForms = query(
      `<identity category='client' type='pc' name='Exodus 0.9.1'/>${BASIC}` +
        form('urn:example:shown', `<field var='a'><value>1</value></field>`, '') +
        `<x xmlns='jabber:x:data' type='result'><field var='a'><value>1</value></field></x>`,
    );
    expect(ver(withForms)).toBe(ver(plain));
    expect(ver(withForms)).toBe('QgayPKawpkPSDYmwT/WM94uAlu0=');
  });

  it('accepts a FORM_TYPE that repeats the same value', () => {
    const repeated = query(
      `<identity category='client' type='pc'/>` +
        `<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'>` +
        `<value>urn:example:a</value><value>urn:example:a</value></field></x>`,
    );
    expect(verificationString(readDiscoInfo(repeated, 512)).toString('utf8')).toBe(
      'client/pc//<urn:example:a<',
    );
  });
});

describe('XEP-0115 §5.4: ill-formed answers', () => {
  it.each([
    [
      'two identities with the same category/type/lang/name',
      `<identity category='client' type='pc' name='A'/><identity category='client' type='pc' name='A'/>`,
    ],
    [
      'two features with the same var',
      `<identity category='client' type='pc'/>${features('urn:a', 'urn:b', 'urn:a')}`,
    ],
    [
      'two forms with the same FORM_TYPE',
      `<identity category='client' type='pc'/>${form('urn:f')}${form('urn:f')}`,
    ],
    [
      'a FORM_TYPE with different values',
      `<identity category='client' type='pc'/><x xmlns='jabber:x:data' type='result'>` +
        `<field var='FORM_TYPE' type='hidden'><value>urn:a</value><value>urn:b</value></field></x>`,
    ],
    ['an identity without a type', `<identity category='client'/>`],
    ['a feature without a var', `<identity category='client' type='pc'/><feature/>`],
  ])('rejects %s', (_what, children) => {
    expect(() => readDiscoInfo(query(children), 512)).toThrow(CapsAnswerError);
  });

  it('accepts identities that differ only by language', () => {
    expect(() => readDiscoInfo(COMPLEX, 512)).not.toThrow();
  });

  it('rejects more features than the limit', () => {
    const many = Array.from({ length: 17 }, (_, i) => `urn:feature:${i}`);
    const answer = query(`<identity category='client' type='pc'/>${features(...many)}`);
    expect(() => readDiscoInfo(answer, 16)).toThrow(CapsAnswerError);
    expect(readDiscoInfo(answer, 17).features).toHaveLength(17);
  });
});
