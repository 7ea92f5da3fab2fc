import { describe, expect, it } from 'vitest';
import { Element, xml } from './element';

describe('Element', () => {
  it('serialises an empty element as self-closing', () => {
    expect(new Element('presence').toString()).toBe('<presence/>');
  });

  it('serialises attributes single-quoted in insertion order, and nested children', () => {
    const el = new Element('message', { to: 'a@b', type: 'chat' }, [
      new Element('body', {}, ['hi']),
    ]);
    expect(el.toString()).toBe("<message to='a@b' type='chat'><body>hi</body></message>");
  });

  it('escapes & < > " \' in attribute values and & < > in text', () => {
    const el = new Element('a', { v: `&<>"'` }, [`&<>"'`]);
    expect(el.toString()).toBe(`<a v='&amp;&lt;&gt;&quot;&apos;'>&amp;&lt;&gt;"'</a>`);
  });

  it('serialises a very deep tree without recursion', () => {
    const root = new Element('a');
    let current = root;
    for (let i = 0; i < 100_000; i++) {
      const child = new Element('a');
      current.children.push(child);
      current = child;
    }
    const out = root.toString();
    expect(out).toBe('<a>'.repeat(100_000) + '<a/>' + '</a>'.repeat(100_000));
    expect(root.clone().toString()).toBe(out);
  });

  it('finds children by name and namespace, inheriting the parent namespace', () => {
    const iq = xml(
      'iq',
      { xmlns: 'jabber:client', type: 'set' },
      xml('bind', { xmlns: 'urn:ietf:params:xml:ns:xmpp-bind' }, xml('resource', null, 'phone')),
      xml('x'),
      xml('x', { xmlns: 'urn:other' }),
      'text',
    );
    expect(iq.xmlns).toBe('jabber:client');
    expect(iq.getChild('bind')?.getChildText('resource')).toBe('phone');
    expect(iq.getChild('bind', 'urn:ietf:params:xml:ns:xmpp-bind')).toBeDefined();
    expect(iq.getChild('bind', 'jabber:client')).toBeUndefined();
    expect(iq.getChild('x', 'jabber:client')).toBe(iq.children[1]);
    expect(iq.getChild('x', 'urn:other')).toBe(iq.children[2]);
    expect(iq.getChildren('x')).toHaveLength(2);
    expect(iq.getChildElements()).toHaveLength(3);
    expect(iq.getChildText('missing')).toBeUndefined();
    expect(iq.text()).toBe('text');
  });

  it('text() concatenates only direct text children', () => {
    const el = new Element('body', {}, ['a', new Element('b', {}, ['x']), 'c']);
    expect(el.text()).toBe('ac');
  });

  it('append() adds children and chains', () => {
    const el = new Element('a');
    expect(el.append('x', new Element('b')).append('y')).toBe(el);
    expect(el.toString()).toBe('<a>x<b/>y</a>');
  });

  it('clone() is deep', () => {
    const original = xml('a', { k: 'v' }, xml('b', { k: 'w' }, 'text'));
    const copy = original.clone();
    expect(copy.toString()).toBe(original.toString());
    (copy.children[0] as Element).attrs.k = 'changed';
    copy.attrs.k = 'changed';
    (copy.children[0] as Element).children.push('more');
    expect(original.toString()).toBe("<a k='v'><b k='w'>text</b></a>");
  });
});

describe('xml()', () => {
  it('drops undefined attributes, flattens arrays and drops falsy children', () => {
    const items = [xml('item', { id: '1' }), xml('item', { id: '2' })];
    const el = xml(
      'query',
      { xmlns: 'q', skipped: undefined },
      items,
      undefined,
      null,
      false,
      '',
      'end',
    );
    expect(el.attrs).toEqual({ xmlns: 'q' });
    expect(el.toString()).toBe("<query xmlns='q'><item id='1'/><item id='2'/>end</query>");
  });

  it('accepts null attributes', () => {
    expect(xml('a', null, 'x').toString()).toBe('<a>x</a>');
  });
});
