import { describe, expect, it } from 'vitest';
import { xml, type Element } from '@sotto/xmpp';
import { parseRosterSet } from './roster-request';

const limits = { maxNameLength: 10, maxGroups: 2 };
const query = (...items: Element[]) => xml('query', { xmlns: 'jabber:iq:roster' }, ...items);
const group = (name: string) => xml('group', {}, name);

describe('parseRosterSet', () => {
  it('reads an add or update with name and groups, the JID prepared', () => {
    const item = xml('item', { jid: 'Bob@Example.org', name: 'Bob' }, group('A'), group('B'));
    expect(parseRosterSet(query(item), limits)).toEqual({
      kind: 'update',
      contact: 'bob@example.org',
      name: 'Bob',
      groups: ['A', 'B'],
    });
  });

  it('reads a remove, and ignores every other subscription value (RFC 6121 §2.1.5)', () => {
    const remove = xml('item', { jid: 'bob@example.org', subscription: 'remove' });
    expect(parseRosterSet(query(remove), limits)).toEqual({
      kind: 'remove',
      contact: 'bob@example.org',
    });
    const both = xml('item', { jid: 'bob@example.org', subscription: 'both', name: '' });
    expect(parseRosterSet(query(both), limits)).toMatchObject({ kind: 'update', name: null });
  });

  it.each([
    ['no item', query(), 'malformed'],
    ['two items', query(xml('item', { jid: 'a@b' }), xml('item', { jid: 'c@d' })), 'malformed'],
    ['something else', query(xml('thing', { jid: 'a@b' })), 'malformed'],
    ['no jid', query(xml('item', { name: 'x' })), 'malformed'],
    ['a bad jid', query(xml('item', { jid: 'a@@b' })), 'invalid-jid'],
    ['a long name', query(xml('item', { jid: 'a@b', name: 'x'.repeat(11) })), 'not-acceptable'],
    ['an empty group', query(xml('item', { jid: 'a@b' }, group(''))), 'not-acceptable'],
    ['a long group', query(xml('item', { jid: 'a@b' }, group('x'.repeat(11)))), 'not-acceptable'],
    ['a duplicate group', query(xml('item', { jid: 'a@b' }, group('A'), group('A'))), 'malformed'],
    [
      'too many groups',
      query(xml('item', { jid: 'a@b' }, group('A'), group('B'), group('C'))),
      'not-acceptable',
    ],
    ['an unknown child', query(xml('item', { jid: 'a@b' }, xml('note'))), 'malformed'],
  ])('refuses %s', (_what, request, code) => {
    expect(() => parseRosterSet(request, limits)).toThrow(
      expect.objectContaining({ code }) as Error,
    );
  });
});
