import { Element, xml } from './element';
import { NS_STANZAS } from './namespaces';

/** The error types of RFC 6120 §8.3.2. */
export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

/** The stanza error conditions of RFC 6120 §8.3.3. */
export type StanzaErrorCondition =
  | 'bad-request'
  | 'conflict'
  | 'feature-not-implemented'
  | 'forbidden'
  | 'gone'
  | 'internal-server-error'
  | 'item-not-found'
  | 'jid-malformed'
  | 'not-acceptable'
  | 'not-allowed'
  | 'not-authorized'
  | 'policy-violation'
  | 'recipient-unavailable'
  | 'redirect'
  | 'registration-required'
  | 'remote-server-not-found'
  | 'remote-server-timeout'
  | 'resource-constraint'
  | 'service-unavailable'
  | 'subscription-required'
  | 'undefined-condition'
  | 'unexpected-request';

// The type each condition "SHOULD" carry per RFC 6120 §8.3.3; where the RFC allows two, the
// first one it names. undefined-condition allows any type, cancel is the least surprising.
const DEFAULT_TYPE: Record<StanzaErrorCondition, StanzaErrorType> = {
  'bad-request': 'modify',
  conflict: 'cancel',
  'feature-not-implemented': 'cancel',
  forbidden: 'auth',
  gone: 'cancel',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  redirect: 'modify',
  'registration-required': 'auth',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'subscription-required': 'auth',
  'undefined-condition': 'cancel',
  'unexpected-request': 'wait',
};

/** A stanza-level error, answered with an error stanza (see {@link errorReply}). */
export class StanzaError extends Error {
  /** The error type; defaults to the one RFC 6120 §8.3.3 associates with the condition. */
  readonly type: StanzaErrorType;
  /** Human-readable detail, sent in the `<text/>` child. */
  readonly text?: string;

  constructor(
    public readonly condition: StanzaErrorCondition,
    text?: string,
    type?: StanzaErrorType,
  ) {
    super(text === undefined ? condition : `${condition}: ${text}`);
    this.name = 'StanzaError';
    this.text = text;
    this.type = type ?? DEFAULT_TYPE[condition];
  }

  /** The `<error/>` child of an error stanza. */
  toElement(): Element {
    return xml(
      'error',
      { type: this.type },
      xml(this.condition, { xmlns: NS_STANZAS }),
      this.text !== undefined && xml('text', { xmlns: NS_STANZAS, 'xml:lang': 'en' }, this.text),
    );
  }
}
