import { z } from 'zod';
import { BareJid, FullJid } from './fields';
import { ServiceName } from './gdpr.contract';

/**
 * NATS KV bucket where each XMPP feature service lists what it serves: the IQ namespaces the
 * gateway forwards to it, and the disco#info features the server and accounts advertise.
 */
export const FEATURES_BUCKET = 'sotto_features';

/** A disco#info identity (XEP-0030 §3.1). */
export const DiscoIdentity = z.object({
  category: z.string().min(1).max(64),
  type: z.string().min(1).max(64),
  name: z.string().min(1).max(256).optional(),
});
export type DiscoIdentity = z.infer<typeof DiscoIdentity>;

/** One DNS label (lower case): a sub-domain of the XMPP domain served by a component. */
export const DomainLabel = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'expected a DNS label');

export const ServiceFeatures = z.object({
  service: ServiceName,
  /** Payload namespaces of IQs this service answers (e.g. `vcard-temp`). */
  iqNamespaces: z.array(z.string().min(1).max(256)).max(64),
  /** disco#info features of the server (`to` = the domain). */
  serverFeatures: z.array(z.string().min(1).max(256)).max(64),
  /** disco#info features of each account (`to` = a bare JID). */
  accountFeatures: z.array(z.string().min(1).max(256)).max(64),
  /** disco#info identities each account adds (XEP-0163: `pubsub`/`pep`). */
  accountIdentities: z.array(DiscoIdentity).max(8).optional(),
  /**
   * Sub-domains this service is, e.g. `pubsub` for `pubsub.<domain>` (XEP-0060 §5). The gateway
   * forwards every IQ get/set addressed to `<subdomain>.<domain>` (any namespace, disco included,
   * with or without a local part) to this service, bounces messages to it with
   * `service-unavailable`, and lists it in the server's disco#items (XEP-0030 §4).
   */
  subdomains: z.array(DomainLabel).max(8).optional(),
});
export type ServiceFeatures = z.infer<typeof ServiceFeatures>;

/** Request/reply subject where a service answers the IQs the gateway forwards to it. */
export function iqSubject(service: string): string {
  return `xmpp.iq.${service}`;
}

/**
 * An IQ get/set from a bound session, addressed to the server, to the sender's own account or
 * to another account of the domain. `stanza` is the IQ as the gateway stamped it (`from` set,
 * `to` prepared), serialised once.
 */
export const IqRequest = z.object({
  from: FullJid,
  stanza: z.string().min(1).max(1_048_576),
});
export type IqRequest = z.infer<typeof IqRequest>;

/**
 * The IQ result or error to hand back to the session, as XML, and the stanzas the session must
 * get before it (e.g. the result messages of an archive query, XEP-0313 §4.2), in order.
 */
export const IqReply = z.object({
  stanza: z.string().min(1).max(1_048_576),
  before: z.array(z.string().min(1).max(1_048_576)).max(1000).optional(),
});
export type IqReply = z.infer<typeof IqReply>;

/**
 * A stanza a service sends to users (roster pushes, presence on their behalf, notifications).
 * Any gateway takes it (queue group `gateways`) and routes it with the server's rules:
 * a full JID to that session, a bare JID to the user's sessions (available ones for messages
 * and presence, every bound one for IQ pushes). Two server presences between bare JIDs are
 * answered by the gateway on the addressee's behalf: `probe` (the prober gets the addressee's
 * current presence) and `unavailable` (each available resource of `from` says unavailable to
 * `to`, when a subscription ends: RFC 6121 §3.2.2, §3.3.3).
 */
export const ROUTE_SUBJECT = 'c2s.route';
export const RouteRequest = z.object({
  to: z.union([BareJid, FullJid]),
  stanza: z.string().min(1).max(1_048_576),
  /**
   * A PEP notification (XEP-0163 §4.3.3) for this node: delivered only to the available
   * resources of the bare JID `to` whose entity capabilities (XEP-0115) list `<notify>+notify`;
   * dropped (never stored offline) when there is none.
   */
  notify: z.string().min(1).max(1024).optional(),
});
export type RouteRequest = z.infer<typeof RouteRequest>;
