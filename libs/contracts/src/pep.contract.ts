import { z } from 'zod';
import { FullJid } from './fields';

/** A PubSub node name as it appears in `+notify` features (XEP-0163 §4.3.3), e.g. `urn:xmpp:avatar:metadata`. */
export const PepNodeName = z.string().min(1).max(1024);

/**
 * NATS KV bucket of verified entity capabilities (XEP-0115): key = the `ver` hash (base64url of
 * it, since KV keys cannot hold `+` or `/`), value = `CapsRecord`. A gateway writes a record only
 * after recomputing the hash from the client's disco#info answer, so one client cannot poison
 * the cache for others. Every gateway reads it before asking a client.
 */
export const CAPS_BUCKET = 'sotto_caps';

export const CapsRecord = z.object({
  /** Hash algorithm of `ver` (XEP-0115 §5: `sha-1` is the one clients use). */
  hash: z.string().min(1).max(32),
  ver: z.string().min(1).max(256),
  features: z.array(z.string().min(1).max(1024)).max(1024),
  verifiedAt: z.number().int(),
});
export type CapsRecord = z.infer<typeof CapsRecord>;

/** KV key of a caps `ver` hash: base64 → base64url without padding. */
export function capsKey(hash: string, ver: string): string {
  return `${hash}.${ver.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/**
 * Events about PEP interest (core NATS, queue group `pubsub`: one pubsub replica acts).
 * `pep.interest`: an available resource's `+notify` nodes are known (after its initial presence,
 * or when its caps changed). The pubsub service then sends it the last item of each of those
 * nodes of every contact whose presence it receives and of its own account (XEP-0163 §4.3.4).
 * `nodes` holds the node names without the `+notify` suffix.
 */
export const pepEvents = {
  'pep.interest': z.object({
    jid: FullJid,
    nodes: z.array(PepNodeName).max(256),
  }),
} as const;
