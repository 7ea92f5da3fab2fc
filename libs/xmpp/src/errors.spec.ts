import { describe, expect, it } from 'vitest';
import { xml } from './element';
import { parseFrame } from './frame-parser';
import { errorReply, iqResult } from './replies';
import { StanzaError } from './stanza-error';
import { StreamError } from './stream-error';

const limits = { maxStanzaBytes: 10_000, maxDepth: 20 };

describe('StreamError', () => {
  it('is an Error carrying condition and text', () => {
    const error = new StreamError('policy-violation', 'stanza too large');
    expect(error).toBeInstanceOf(Error);
    expect(error.condition).toBe('policy-violation');
    expect(error.text).toBe('stanza too large');
  });

  it('renders <stream:error/> that declares its own prefix', () => {
    expect(new StreamError('not-well-formed').toElement().toString()).toBe(
      "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>" +
        "<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    );
    expect(new StreamError('conflict', 'replaced').toElement().toString()).toBe(
      "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>" +
        "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>" +
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>replaced</text></stream:error>",
    );
  });

  it('is a valid standalone WebSocket frame', () => {
    const frame = parseFrame(new StreamError('reset', 'a < b').toElement().toString(), limits);
    expect(frame.name).toBe('error');
    expect(frame.xmlns).toBe('http://etherx.jabber.org/streams');
    expect(frame.getChild('reset', 'urn:ietf:params:xml:ns:xmpp-streams')).toBeDefined();
    expect(frame.getChildText('text')).toBe('a < b');
  });
});

describe('StanzaError', () => {
  it.each([
    ['service-unavailable', 'cancel'],
    ['bad-request', 'modify'],
    ['not-authorized', 'auth'],
    ['resource-constraint', 'wait'],
    ['policy-violation', 'modify'],
    ['forbidden', 'auth'],
    ['item-not-found', 'cancel'],
    ['jid-malformed', 'modify'],
    ['remote-server-not-found', 'cancel'],
    ['conflict', 'cancel'],
    ['feature-not-implemented', 'cancel'],
    ['not-allowed', 'cancel'],
    ['not-acceptable', 'modify'],
    ['internal-server-error', 'cancel'],
    ['recipient-unavailable', 'wait'],
    ['subscription-required', 'auth'],
  ] as const)('defaults %s to type %s', (condition, type) => {
    expect(new StanzaError(condition).type).toBe(type);
  });

  it('takes an explicit type', () => {
    expect(new StanzaError('policy-violation', undefined, 'wait').type).toBe('wait');
  });

  it('renders <error/> with condition and optional text', () => {
    expect(new StanzaError('item-not-found').toElement().toString()).toBe(
      "<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
    );
    expect(new StanzaError('bad-request', 'no <body>').toElement().toString()).toBe(
      "<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>" +
        "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>no &lt;body&gt;</text></error>",
    );
  });
});

describe('errorReply', () => {
  it('swaps addresses, keeps id and payload, and appends the error', () => {
    const original = parseFrame(
      "<iq xmlns='jabber:client' type='get' id='q1' from='a@x/r' to='b@x'><query xmlns='urn:q'/></iq>",
      limits,
    );
    const reply = errorReply(original, new StanzaError('service-unavailable'));
    expect(reply.toString()).toBe(
      "<iq xmlns='jabber:client' type='error' id='q1' from='b@x' to='a@x/r'><query xmlns='urn:q'/>" +
        "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    // The payload is copied, not shared.
    expect(reply.getChild('query')).not.toBe(original.getChild('query'));
  });

  it('uses the given from when the original had no to', () => {
    const original = xml('message', { from: 'a@x/r', type: 'chat' }, xml('body', null, 'hi'));
    const reply = errorReply(original, new StanzaError('not-acceptable'), 'x');
    expect(reply.attrs).toEqual({ type: 'error', from: 'x', to: 'a@x/r' });
    expect(reply.getChildText('body')).toBe('hi');
    expect(reply.getChild('error')?.attrs.type).toBe('modify');
  });
});

describe('iqResult', () => {
  it('answers with type result, same id, swapped addresses', () => {
    const iq = xml(
      'iq',
      { type: 'get', id: '7', from: 'a@x/r', to: 'x' },
      xml('ping', { xmlns: 'urn:xmpp:ping' }),
    );
    expect(iqResult(iq).toString()).toBe("<iq type='result' id='7' from='x' to='a@x/r'/>");
  });

  it('carries a payload and the request namespace', () => {
    const iq = xml('iq', { xmlns: 'jabber:client', type: 'get', id: '8', from: 'a@x/r' });
    const result = iqResult(iq, xml('query', { xmlns: 'urn:q' }));
    expect(result.toString()).toBe(
      "<iq xmlns='jabber:client' type='result' id='8' to='a@x/r'><query xmlns='urn:q'/></iq>",
    );
  });
});
