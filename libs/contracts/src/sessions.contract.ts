import { z } from 'zod';
import { BareJid, FullJid } from './fields';

/**
 * Events every gateway listens to (core NATS, no queue group: all replicas act on them).
 * `sessions.end`: close every session of a user, e.g. when the account is deleted or disabled.
 * A login racing with it is closed by the gateway's check of `accounts.login-allowed` at bind.
 */
export const sessionEvents = {
  'sessions.end': z.object({
    jid: BareJid,
    condition: z.enum(['not-authorized', 'conflict', 'policy-violation', 'system-shutdown']),
  }),
} as const;

/** NATS KV bucket holding one record per bound resource, shared by every gateway replica. */
export const SESSIONS_BUCKET = 'sotto_sessions';
/** NATS KV bucket where each live gateway writes its heartbeat. */
export const GATEWAYS_BUCKET = 'sotto_gateways';

/** The most entries `SessionRecord.directedTo` holds: the record is replicated by every gateway. */
export const MAX_DIRECTED_PRESENCE = 64;

export const SessionRecord = z.object({
  jid: FullJid,
  gateway: z.string().min(1).max(64),
  /** Sent initial presence and not yet unavailable (RFC 6121 "available resource"). */
  available: z.boolean(),
  priority: z.number().int().min(-128).max(127),
  /** The last available presence broadcast by the resource, as XML, for probes. */
  presence: z.string().max(65536).optional(),
  boundAt: z.number().int(),
  /**
   * The resource's entity capabilities (XEP-0115): the `capsKey` of its verified record in
   * `CAPS_BUCKET`, or `UNVERIFIED_CAPS` when only the gateway holding the session knows them (an
   * unverifiable or legacy answer). Any gateway tells from it which PEP notifications the
   * resource wants; for `UNVERIFIED_CAPS` it asks the holding gateway (header `notify`).
   */
  caps: z.string().min(1).max(300).optional(),
  /**
   * The resource asked for the roster since binding (RFC 6121 §2.1.6, an "interested resource"):
   * only such resources get roster pushes. Never reset while the session lasts.
   */
  rosterInterested: z.boolean().optional(),
  /**
   * Where the available resource sent directed presence (RFC 6121 §4.6): each gets an
   * unavailable presence from the resource when it goes unavailable or its session ends, even if
   * its gateway dies, unless the broadcast reaches it anyway. Cleared on unavailable; at most
   * `MAX_DIRECTED_PRESENCE` entries (later ones are not remembered).
   */
  directedTo: z
    .array(z.union([BareJid, FullJid]))
    .max(MAX_DIRECTED_PRESENCE)
    .optional(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;

/** `SessionRecord.caps` of a resource whose caps could not be verified for everyone. */
export const UNVERIFIED_CAPS = 'unverified';

export const GatewayHeartbeat = z.object({
  gateway: z.string().min(1).max(64),
  startedAt: z.number().int(),
});
export type GatewayHeartbeat = z.infer<typeof GatewayHeartbeat>;

/**
 * Direct delivery to the gateway that holds a session. Payload: the stanza XML, serialised once by
 * the sending gateway. Header `to`: the full JID of the target session. Header `notify` (optional,
 * URI-encoded): the stanza is a PEP notification of that node, to deliver only if the session is
 * available and its caps list `<node>+notify`. Header `roster-push` (optional): the stanza is a
 * roster push (RFC 6121 §2.1.6), to deliver only if the session asked for the roster. Reply: `DeliveryAck` (`no-session` when the
 * session is gone or did not want the notification).
 */
export function c2sDeliverSubject(gatewayId: string): string {
  return `c2s.deliver.${gatewayId}`;
}
/** Ask the gateway holding a session to end it (resource conflict). Header `to`: the full JID. */
export function c2sKickSubject(gatewayId: string): string {
  return `c2s.kick.${gatewayId}`;
}
/**
 * Is the gateway alive? Any reply says yes. Asked before a gateway whose heartbeats stopped
 * arriving is taken for dead: on an overloaded bus heartbeats can be late from a live gateway.
 */
export function c2sPingSubject(gatewayId: string): string {
  return `c2s.ping.${gatewayId}`;
}
export const DELIVERY_TARGET_HEADER = 'to';
export const DELIVERY_NOTIFY_HEADER = 'notify';
export const DELIVERY_ROSTER_PUSH_HEADER = 'roster-push';
export const DeliveryAck = z.enum(['delivered', 'no-session']);
export type DeliveryAck = z.infer<typeof DeliveryAck>;
