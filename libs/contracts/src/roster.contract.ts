import { z } from 'zod';
import { BareJid, FullJid } from './fields';

/** The most items a roster may hold; presence target lists are bounded by it. */
export const ROSTER_MAX_ITEMS = 5000;

/** Request/reply subjects served by the roster service (queue group `roster`). */
export const rosterRpc = {
  /**
   * A subscription-related presence (subscribe, subscribed, unsubscribe, unsubscribed) a user
   * sent to a contact: the roster service runs RFC 6121 §3 for both parties, pushes the roster
   * changes and routes what has to be delivered. `stanza` is the presence as the gateway stamped
   * it (`from` = the sender's full JID, `to` prepared), serialised once.
   */
  'roster.presence-out': {
    request: z.object({ from: FullJid, stanza: z.string().min(1).max(1_048_576) }),
    result: z.object({}),
  },
  /**
   * Who takes part in a user's presence broadcast (RFC 6121 §4): `subscribers` (subscription
   * from/both) receive the user's presence; the user receives the presence of `subscriptions`
   * (to/both) on initial presence, and the subscription requests still waiting for an answer.
   */
  'roster.presence-targets': {
    request: z.object({ jid: BareJid }),
    result: z.object({
      subscribers: z.array(BareJid).max(ROSTER_MAX_ITEMS),
      subscriptions: z.array(BareJid).max(ROSTER_MAX_ITEMS),
      pendingIn: z
        .array(z.object({ from: BareJid, stanza: z.string().min(1).max(65_536).optional() }))
        .max(ROSTER_MAX_ITEMS),
    }),
  },
  /**
   * One contact in an owner's roster, for access checks of other services (PubSub access models
   * `presence` and `roster`, XEP-0060 §4.5): `item` is null when the contact is not in the roster.
   * `subscription` is from the owner's side: `from`/`both` means the contact receives the owner's
   * presence.
   */
  'roster.item': {
    request: z.object({ owner: BareJid, contact: BareJid }),
    result: z.object({
      item: z
        .object({
          subscription: z.enum(['none', 'to', 'from', 'both']),
          groups: z.array(z.string().max(1024)).max(ROSTER_MAX_ITEMS),
        })
        .nullable(),
    }),
  },
} as const;

export type PresenceTargets = z.infer<(typeof rosterRpc)['roster.presence-targets']['result']>;
