/** Namespace of client-to-server stanzas (RFC 6120). */
export const NS_CLIENT = 'jabber:client';
/** Namespace of the `<stream:stream>` root and `<stream:features>` / `<stream:error>` (RFC 6120). */
export const NS_STREAMS = 'http://etherx.jabber.org/streams';
/** WebSocket framing elements `<open/>` and `<close/>` (RFC 7395). */
export const NS_FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
/** STARTTLS negotiation (RFC 6120 §5). */
export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
/** SASL negotiation (RFC 6120 §6). */
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
/** Resource binding (RFC 6120 §7). */
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
/** Legacy session establishment (RFC 3921, kept for old clients). */
export const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';
/** Stanza error conditions (RFC 6120 §8.3). */
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
/** Stream error conditions (RFC 6120 §4.9). */
export const NS_STREAM_ERRORS = 'urn:ietf:params:xml:ns:xmpp-streams';
/** Service discovery, info (XEP-0030). */
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
/** Service discovery, items (XEP-0030). */
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
/** XMPP ping (XEP-0199). */
export const NS_PING = 'urn:xmpp:ping';
/** Delayed delivery (XEP-0203). */
export const NS_DELAY = 'urn:xmpp:delay';
