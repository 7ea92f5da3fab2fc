import { StanzaError, errorReply, type Element, type StanzaErrorCondition } from '@sotto/xmpp';
import type { BoundSession } from '../sessions/local-sessions';

/**
 * Answers a stanza from `session` with an error, unless it is itself an error (RFC 6120 §8.3.1:
 * never answer an error with an error).
 */
export function bounce(
  session: BoundSession,
  stanza: Element,
  condition: StanzaErrorCondition,
  domain: string,
  text?: string,
): void {
  if (stanza.attrs.type === 'error') {
    return;
  }
  const from = stanza.attrs.to ?? domain;
  session.deliver(errorReply(stanza, new StanzaError(condition, text), from).toString());
}
