import { describe, it, expect, beforeEach } from 'vitest';
import { Jid, StanzaError, parseFrame, type Element } from '@sotto/xmpp';
import type { IqContext, StanzaSender } from '@sotto/xmpp-service';
import type { InboxEntry } from '../inbox/inbox-entry';
import { InMemoryInboxStore } from '../testing/in-memory-inbox.store';
import { ConversationService } from './conversation.service';
import { EslConversationHandler } from './esl-conversation.handler';
import { EslInboxHandler } from './esl-inbox.handler';
import { InboxQueryService } from './inbox-query.service';
import { Xep0430InboxHandler } from './xep0430-inbox.handler';

const limits = { maxStanzaBytes: 65_536, maxDepth: 32 };
const juliet = 'juliet@example.org';
const romeo = 'romeo@example.org';
const base = Date.UTC(2026, 0, 1);
const stored =
  "<message xmlns='jabber:client' type='chat' from='romeo@example.org/orchard' " +
  "to='juliet@example.org' id='m1'><body>wherefore</body></message>";

function entry(remote: string, minute: number, changes: Partial<InboxEntry> = {}): InboxEntry {
  return {
    ownerJid: juliet,
    remoteJid: remote,
    content: stored,
    msgId: 'm1',
    stanzaId: `0190a000-0000-7000-8000-00000000000${minute}`,
    lastAt: new Date(base + minute * 60_000),
    unreadCount: 2,
    box: 'inbox',
    mutedUntil: null,
    ...changes,
  };
}

/** Runs a handler method the way the IQ server does; returns its answer and emitted stanzas. */
async function call(
  method: (context: IqContext) => Promise<Element | undefined>,
  iqXml: string,
  from = `${juliet}/balcony`,
): Promise<{ answer: Element | undefined; emitted: Element[] }> {
  const iq = parseFrame(iqXml, limits);
  const emitted: Element[] = [];
  const to = iq.attrs.to === undefined ? undefined : Jid.parse(iq.attrs.to);
  const answer = await method({
    iq,
    payload: iq.getChildElements()[0],
    from: Jid.parse(from),
    to: to?.local === undefined ? undefined : to,
    emit: (stanza) => emitted.push(stanza),
  });
  return { answer, emitted };
}

describe('inbox IQ handlers', () => {
  let store: InMemoryInboxStore;
  let sent: [string, Element][];
  let esl: EslInboxHandler;
  let conversation: EslConversationHandler;
  let xep0430: Xep0430InboxHandler;

  beforeEach(() => {
    store = new InMemoryInboxStore();
    store.put(entry(romeo, 2));
    store.put(entry('nurse@example.org', 1, { unreadCount: 0, box: 'archive' }));
    sent = [];
    const sender = { send: (to: string, stanza: Element) => sent.push([to, stanza]) };
    const queries = new InboxQueryService(store);
    const conversations = new ConversationService(store);
    const config = { INBOX_MAX_RESULT_LIMIT: 100 };
    esl = new EslInboxHandler(queries, conversations, config);
    conversation = new EslConversationHandler(conversations, sender as unknown as StanzaSender);
    xep0430 = new Xep0430InboxHandler(queries, config);
  });

  describe('erlang-solutions.com:xmpp:inbox:0', () => {
    it('sends one result message per conversation, then the fin', async () => {
      const { answer, emitted } = await call(
        (c) => esl.set(c),
        "<iq xmlns='jabber:client' type='set' id='10bca'>" +
          "<inbox xmlns='erlang-solutions.com:xmpp:inbox:0' queryid='b6'/></iq>",
      );
      expect(emitted).toHaveLength(2);
      const message = emitted[0];
      expect(message.attrs).toMatchObject({ from: juliet, to: `${juliet}/balcony` });
      const result = message.getChild('result', 'erlang-solutions.com:xmpp:inbox:0')!;
      expect(result.attrs).toMatchObject({ unread: '2', queryid: 'b6' });
      const forwarded = result.getChild('forwarded', 'urn:xmpp:forward:0')!;
      expect(forwarded.getChild('delay', 'urn:xmpp:delay')?.attrs.stamp).toBe(
        '2026-01-01T00:02:00.000000Z',
      );
      expect(forwarded.getChild('message', 'jabber:client')?.toString()).toBe(stored);
      expect(result.getChildText('read')).toBe('false');
      expect(result.getChildText('box')).toBe('inbox');
      expect(result.getChildText('archive')).toBe('false');
      expect(result.getChildText('mute')).toBe('0');
      expect(emitted[1].getChild('result')?.getChildText('archive')).toBe('true');

      expect(answer?.toString()).toBe(
        "<fin xmlns='erlang-solutions.com:xmpp:inbox:0'>" +
          "<set xmlns='http://jabber.org/protocol/rsm'>" +
          `<first>${(base + 120_000) * 1000}/${Buffer.from(romeo).toString('base64')}</first>` +
          `<last>${(base + 60_000) * 1000}/${Buffer.from('nurse@example.org').toString('base64')}</last>` +
          '</set><count>2</count><unread-messages>2</unread-messages>' +
          '<active-conversations>1</active-conversations></fin>',
      );
    });

    it('uses the IQ id when the query has no queryid', async () => {
      const { emitted } = await call(
        (c) => esl.set(c),
        "<iq type='set' id='q7'><inbox xmlns='erlang-solutions.com:xmpp:inbox:0'/></iq>",
      );
      expect(emitted[0].getChild('result')?.attrs.queryid).toBe('q7');
    });

    it('returns the query form on a get', async () => {
      const { answer } = await call(
        (c) => esl.get(c),
        "<iq type='get' id='f'><query xmlns='erlang-solutions.com:xmpp:inbox:0'/></iq>",
      );
      const form = answer?.getChild('x', 'jabber:x:data');
      expect(answer?.name).toBe('query');
      expect(form?.getChildren('field').map((f) => f.attrs.var)).toEqual([
        'FORM_TYPE',
        'start',
        'end',
        'hidden_read',
        'order',
        'box',
        'archive',
      ]);
    });

    it('empties the bin', async () => {
      store.put(entry('tybalt@example.org', 3, { box: 'bin' }));
      const { answer } = await call(
        (c) => esl.set(c),
        "<iq type='set' id='e'><empty-bin xmlns='erlang-solutions.com:xmpp:inbox:0'/></iq>",
      );
      expect(answer?.toString()).toBe(
        "<empty-bin xmlns='erlang-solutions.com:xmpp:inbox:0'><num>1</num></empty-bin>",
      );
    });

    it('refuses another user’s inbox and answers a bad form with bad-request', async () => {
      await expect(
        call(
          (c) => esl.set(c),
          `<iq type='set' id='x' to='${romeo}'><inbox xmlns='erlang-solutions.com:xmpp:inbox:0'/></iq>`,
        ),
      ).rejects.toMatchObject({ condition: 'forbidden' });
      const own = await call(
        (c) => esl.set(c),
        `<iq type='set' id='x' to='${juliet}'><inbox xmlns='erlang-solutions.com:xmpp:inbox:0'/></iq>`,
      );
      expect(own.emitted).toHaveLength(2);
      await expect(
        call(
          (c) => esl.set(c),
          "<iq type='set' id='x'><inbox xmlns='erlang-solutions.com:xmpp:inbox:0'>" +
            "<x xmlns='jabber:x:data' type='submit'><field var='start'><value>invalid</value></field>" +
            '</x></inbox></iq>',
        ),
      ).rejects.toSatisfy(
        (error) =>
          error instanceof StanzaError &&
          error.condition === 'bad-request' &&
          error.text === 'Invalid inbox form field value, field=start, value=invalid',
      );
    });
  });

  describe('erlang-solutions.com:xmpp:inbox:0#conversation', () => {
    const ns = 'erlang-solutions.com:xmpp:inbox:0#conversation';

    it('resets the unread count and keeps the last message', async () => {
      const { answer } = await call(
        (c) => conversation.set(c),
        `<iq type='set' id='r'><reset xmlns='${ns}' jid='${romeo}'/></iq>`,
      );
      expect(answer?.toString()).toBe(`<reset xmlns='${ns}'/>`);
      expect(store.get(juliet, romeo)).toMatchObject({ unreadCount: 0, content: stored });
      await expect(
        call((c) => conversation.set(c), `<iq type='set' id='r'><reset xmlns='${ns}'/></iq>`),
      ).rejects.toMatchObject({ condition: 'bad-request', text: 'jid-required' });
    });

    it('gets properties, the whole entry, or the form', async () => {
      const props = await call(
        (c) => conversation.get(c),
        `<iq type='get' id='p'><query xmlns='${ns}' jid='${romeo}'/></iq>`,
      );
      expect(props.answer?.toString()).toBe(
        `<query xmlns='${ns}' jid='${romeo}'><read>false</read><box>inbox</box>` +
          '<archive>false</archive><mute>0</mute></query>',
      );
      const full = await call(
        (c) => conversation.get(c),
        `<iq type='get' id='p'><query xmlns='${ns}' jid='${romeo}' complete='true'/></iq>`,
      );
      expect(full.answer?.getChild('forwarded', 'urn:xmpp:forward:0')).toBeDefined();
      const form = await call(
        (c) => conversation.get(c),
        `<iq type='get' id='p'><query xmlns='${ns}'/></iq>`,
      );
      expect(form.answer?.getChild('x', 'jabber:x:data')).toBeDefined();
      await expect(
        call(
          (c) => conversation.get(c),
          `<iq type='get' id='p'><query xmlns='${ns}' jid='tybalt@example.org'/></iq>`,
        ),
      ).rejects.toMatchObject({ condition: 'item-not-found' });
    });

    it('sets properties and tells the owner’s sessions', async () => {
      const before = Date.now();
      const { answer } = await call(
        (c) => conversation.set(c),
        `<iq type='set' id='s1'><query xmlns='${ns}' jid='${romeo}'>` +
          '<box>archive</box><read>true</read><mute>3600</mute></query></iq>',
      );
      expect(answer).toBeUndefined();
      const stored = store.get(juliet, romeo)!;
      expect(stored).toMatchObject({ box: 'archive', unreadCount: 0 });
      expect(stored.mutedUntil!.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(sent).toHaveLength(1);
      const [to, update] = sent[0];
      expect(to).toBe(juliet);
      const x = update.getChild('x', ns)!;
      expect(x.attrs).toMatchObject({ jid: romeo, queryid: 's1' });
      expect(x.getChildText('archive')).toBe('true');
      expect(x.getChildText('mute')).toMatch(/^\d{4}-\d\d-\d\dT.*\.\d{6}Z$/);
    });

    it.each([
      ['<box>trash</box>', 'invalid-box'],
      ['<mute>-5</mute>', 'bad-request'],
      ['<colour>red</colour>', 'bad-request'],
      ['', 'no-property'],
    ])('refuses %s', async (children, text) => {
      await expect(
        call(
          (c) => conversation.set(c),
          `<iq type='set' id='s'><query xmlns='${ns}' jid='${romeo}'>${children}</query></iq>`,
        ),
      ).rejects.toMatchObject({ condition: 'bad-request', text });
    });
  });

  describe('urn:xmpp:inbox:1 (XEP-0430)', () => {
    it('sends an entry and the last message as a MAM result per conversation, then the fin', async () => {
      const { answer, emitted } = await call(
        (c) => xep0430.get(c),
        "<iq type='get' id='iq_stanza_id'><inbox xmlns='urn:xmpp:inbox:1'/></iq>",
      );
      expect(emitted).toHaveLength(2);
      const [first] = emitted;
      expect(first.getChild('entry', 'urn:xmpp:inbox:1')?.attrs).toEqual({
        xmlns: 'urn:xmpp:inbox:1',
        unread: '2',
        jid: romeo,
        id: '0190a000-0000-7000-8000-000000000002',
      });
      const result = first.getChild('result', 'urn:xmpp:mam:2')!;
      expect(result.attrs).toMatchObject({
        queryid: 'iq_stanza_id',
        id: '0190a000-0000-7000-8000-000000000002',
      });
      expect(result.getChild('forwarded')?.getChild('message')?.getChildText('body')).toBe(
        'wherefore',
      );
      expect(answer?.attrs).toEqual({
        xmlns: 'urn:xmpp:inbox:1',
        total: '2',
        unread: '1',
        'all-unread': '2',
      });
      expect(answer?.getChild('set')?.getChildText('count')).toBe('2');
    });

    it('elides messages and lists unread conversations only, when asked', async () => {
      const { emitted } = await call(
        (c) => xep0430.get(c),
        "<iq type='get' id='q'><inbox xmlns='urn:xmpp:inbox:1' unread-only='true' messages='false'/></iq>",
      );
      expect(emitted).toHaveLength(1);
      expect(emitted[0].getChildElements().map((child) => child.name)).toEqual(['entry']);
    });

    it('refuses another user’s inbox', async () => {
      await expect(
        call(
          (c) => xep0430.get(c),
          `<iq type='get' id='q' to='${romeo}'><inbox xmlns='urn:xmpp:inbox:1'/></iq>`,
        ),
      ).rejects.toMatchObject({ condition: 'forbidden' });
    });
  });
});
