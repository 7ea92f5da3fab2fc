import { Element, xml } from './element';
import type { StanzaError } from './stanza-error';

/**
 * The error reply to `stanza` (RFC 6120 §8.3.1): same element name, `from` and `to` swapped,
 * `type='error'`, the same `id`, the original child elements kept, plus the `<error/>` element.
 * Pass `from` (normally the server domain) when the original had no `to`; when given it
 * overrides the swapped address. Never answer a stanza that is itself of type 'error'.
 */
export function errorReply(stanza: Element, error: StanzaError, from?: string): Element {
  const { attrs } = stanza;
  const reply = xml(stanza.name, {
    xmlns: attrs.xmlns,
    type: 'error',
    id: attrs.id,
    from: from ?? attrs.to,
    to: attrs.from,
    'xml:lang': attrs['xml:lang'],
  });
  for (const child of stanza.children) {
    if (typeof child !== 'string') {
      reply.children.push(child.clone());
    }
  }
  reply.children.push(error.toElement());
  return reply;
}

/** The result reply to an IQ: `<iq type='result'>` with its id, addresses swapped, and `payload`. */
export function iqResult(iq: Element, payload?: Element): Element {
  const { attrs } = iq;
  return xml(
    'iq',
    { xmlns: attrs.xmlns, type: 'result', id: attrs.id, from: attrs.to, to: attrs.from },
    payload,
  );
}
