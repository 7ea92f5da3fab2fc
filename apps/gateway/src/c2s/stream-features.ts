import { NS_BIND, NS_SASL, NS_SESSION, NS_STREAMS, NS_TLS, xml, type Element } from '@sotto/xmpp';

function features(...children: Element[]): string {
  return xml('stream:features', { 'xmlns:stream': NS_STREAMS }, ...children).toString();
}

/** Before TLS on TCP: STARTTLS only, and required (no SASL on a plain stream). */
export function tlsFeatures(): string {
  return features(xml('starttls', { xmlns: NS_TLS }, xml('required')));
}

export function saslFeatures(mechanisms: string[]): string {
  return features(
    xml(
      'mechanisms',
      { xmlns: NS_SASL },
      mechanisms.map((name) => xml('mechanism', {}, name)),
    ),
  );
}

/**
 * After authentication: resource binding, the RFC 3921 session kept optional for old clients,
 * and roster versioning and pre-approval when a roster service serves them.
 */
export function bindFeatures(rosterVersioning: boolean): string {
  const children = [
    xml('bind', { xmlns: NS_BIND }),
    xml('session', { xmlns: NS_SESSION }, xml('optional')),
  ];
  if (rosterVersioning) {
    // The roster service serves versioning (XEP-0237) and pre-approval (RFC 6121 §3.4).
    children.push(xml('ver', { xmlns: 'urn:xmpp:features:rosterver' }));
    children.push(xml('sub', { xmlns: 'urn:xmpp:features:pre-approval' }));
  }
  return features(...children);
}
