import { describe, it, expect } from 'vitest';
import { parseFrame, type Element } from '@sotto/xmpp';
import { InboxErrorCode } from '../inbox/inbox.exception';
import { eslInboxQuery, xep0430Query } from './inbox-query';

const limits = { maxStanzaBytes: 65_536, maxDepth: 32 };
const cursor = `${Date.UTC(2026, 0, 1) * 1000}/${Buffer.from('romeo@example.org').toString('base64')}`;

function eslInbox(fields: Record<string, string | string[]>, rsm = ''): Element {
  const form = Object.entries(fields)
    .map(
      ([name, value]) =>
        `<field var='${name}'>${[value]
          .flat()
          .map((v) => `<value>${v}</value>`)
          .join('')}</field>`,
    )
    .join('');
  return parseFrame(
    `<inbox xmlns='erlang-solutions.com:xmpp:inbox:0' queryid='q1'>` +
      `<x xmlns='jabber:x:data' type='submit'>` +
      `<field type='hidden' var='FORM_TYPE'><value>erlang-solutions.com:xmpp:inbox:0</value></field>` +
      `${form}</x>${rsm}</inbox>`,
    limits,
  );
}

const rsm = (inner: string) => `<set xmlns='http://jabber.org/protocol/rsm'>${inner}</set>`;

describe('eslInboxQuery', () => {
  it('defaults to everything but the bin, newest first, capped at the limit', () => {
    const bare = parseFrame(`<inbox xmlns='erlang-solutions.com:xmpp:inbox:0'/>`, limits);
    expect(eslInboxQuery(bare, 100)).toEqual({
      filter: { start: undefined, end: undefined, unreadOnly: false, box: 'not-bin' },
      order: 'desc',
      limit: 100,
      after: undefined,
    });
  });

  it('reads the form fields', () => {
    const query = eslInboxQuery(
      eslInbox({
        start: '2018-07-10T12:00:00Z',
        end: '2018-07-11T12:00:00.123456+02:00',
        order: 'asc',
        hidden_read: 'true',
        box: 'archive',
      }),
      100,
    );
    expect(query.filter).toEqual({
      start: Date.UTC(2018, 6, 10, 12) * 1000,
      end: Date.UTC(2018, 6, 11, 10) * 1000 + 123_456,
      unreadOnly: true,
      box: 'archive',
    });
    expect(query.order).toBe('asc');
  });

  it('takes the deprecated archive flag unless a box is given', () => {
    expect(eslInboxQuery(eslInbox({ archive: 'true' }), 10).filter.box).toBe('archive');
    expect(eslInboxQuery(eslInbox({ archive: 'false' }), 10).filter.box).toBe('inbox');
    expect(eslInboxQuery(eslInbox({ archive: 'true', box: 'all' }), 10).filter.box).toBe('all');
  });

  it('ignores fields without a value, as an echoed form has', () => {
    expect(eslInboxQuery(eslInbox({ start: [] }), 10).filter.start).toBeUndefined();
  });

  it.each([
    [{ start: 'invalid' }, 'Invalid inbox form field value, field=start, value=invalid'],
    [{ end: '2018-02-30T00:00:00Z' }, 'field=end'],
    [{ order: 'up' }, 'field=order'],
    [{ hidden_read: 'yes' }, 'field=hidden_read'],
    [{ box: 'trash' }, 'field=box'],
    [{ colour: 'red' }, 'Unknown inbox form field=colour, value=red'],
    [{ order: ['asc', 'desc'] }, 'more than one value'],
  ])('refuses %j', (fields, message) => {
    expect(() => eslInboxQuery(eslInbox(fields), 10)).toThrow(
      expect.objectContaining({
        code: InboxErrorCode.BadRequest,
        message: expect.stringContaining(message) as string,
      }),
    );
  });

  it('reads RSM: max (capped), after, before and the last page', () => {
    expect(eslInboxQuery(eslInbox({}, rsm('<max>5</max>')), 10).limit).toBe(5);
    expect(eslInboxQuery(eslInbox({}, rsm('<max>500</max>')), 10).limit).toBe(10);
    expect(eslInboxQuery(eslInbox({}, rsm('<max>0</max>')), 10).limit).toBe(0);
    const after = eslInboxQuery(eslInbox({}, rsm(`<max>2</max><after>${cursor}</after>`)), 10);
    expect(after.after).toEqual({ at: Date.UTC(2026, 0, 1) * 1000, jid: 'romeo@example.org' });
    const before = eslInboxQuery(eslInbox({}, rsm(`<before>${cursor}</before>`)), 10);
    expect(before.before).toEqual({ at: Date.UTC(2026, 0, 1) * 1000, jid: 'romeo@example.org' });
    expect(eslInboxQuery(eslInbox({}, rsm('<before/>')), 10).before).toBeNull();
    expect(eslInboxQuery(eslInbox({}, rsm('<after/>')), 10).after).toBeUndefined();
  });

  it.each([
    [rsm('<max>-1</max>'), InboxErrorCode.BadRequest],
    [rsm('<max>many</max>'), InboxErrorCode.BadRequest],
    [rsm('<after>not-ours</after>'), InboxErrorCode.BadRequest],
    [rsm(`<after>${cursor}</after><before>${cursor}</before>`), InboxErrorCode.BadRequest],
    [rsm('<index>3</index>'), InboxErrorCode.NotImplemented],
  ])('refuses the RSM %s', (set, code) => {
    expect(() => eslInboxQuery(eslInbox({}, set), 10)).toThrow(expect.objectContaining({ code }));
  });
});

describe('xep0430Query', () => {
  it('defaults to all conversations with their messages, newest first', () => {
    const payload = parseFrame(`<inbox xmlns='urn:xmpp:inbox:1'/>`, limits);
    expect(xep0430Query(payload, 50)).toEqual({
      query: { filter: { unreadOnly: false, box: 'not-bin' }, order: 'desc', limit: 50 },
      messages: true,
    });
  });

  it('reads unread-only, messages and RSM', () => {
    const payload = parseFrame(
      `<inbox xmlns='urn:xmpp:inbox:1' unread-only='true' messages='0'>${rsm('<max>3</max>')}</inbox>`,
      limits,
    );
    const { query, messages } = xep0430Query(payload, 50);
    expect(query.filter.unreadOnly).toBe(true);
    expect(query.limit).toBe(3);
    expect(messages).toBe(false);
  });

  it('refuses a boolean attribute that is none', () => {
    const payload = parseFrame(`<inbox xmlns='urn:xmpp:inbox:1' unread-only='maybe'/>`, limits);
    expect(() => xep0430Query(payload, 50)).toThrow(
      expect.objectContaining({ code: InboxErrorCode.BadRequest }),
    );
  });
});
