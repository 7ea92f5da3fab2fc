import { z } from 'zod';
import { BareJid, FullJid } from './fields';

/**
 * The durable stream of accepted 1:1 messages between users of the domain. The gateway
 * publishes each message here before delivering it; the archive and inbox services consume it
 * with durable consumers, in batches, so nothing a client sent is lost when they restart.
 */
export const MESSAGES_STREAM = 'SOTTO_MESSAGES';
export const MESSAGES_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export const messageSubjects = {
  /** Every accepted chat/normal message between local users (bodies, markers, states). */
  accepted: 'chat.accepted',
  /** A message no resource of the recipient took: the offline service stores it. */
  undelivered: 'chat.undelivered',
  all: 'chat.*',
} as const;

export const ChatMessageEvent = z.object({
  /** Time-ordered id (UUID v7): the XEP-0359 stanza-id and the archive id in both archives. */
  id: z.uuid(),
  /** The sender's full JID. */
  from: FullJid,
  /** The recipient's JID as addressed, prepared (bare or full). */
  to: z.union([BareJid, FullJid]),
  /** When the server accepted it, in ms since the epoch. */
  acceptedAt: z.number().int().positive(),
  /** The message as delivered: `from` stamped, `stanza-id` added. */
  stanza: z.string().min(1).max(1_048_576),
});
export type ChatMessageEvent = z.infer<typeof ChatMessageEvent>;

/** Offline storage, served by the offline service (queue group `offline`). */
export const offlineRpc = {
  /**
   * The messages stored for a user, oldest first, each with its XEP-0203 delay stamp. With
   * `lease` (a random token of one delivery run) the run takes or renews the user's delivery
   * lease first, and gets nothing (`leased: false`) while another run holds it: two resources
   * coming online at once on two gateways do not both receive the messages.
   */
  'offline.fetch': {
    request: z.object({
      jid: BareJid,
      max: z.number().int().min(1).max(1000).default(100),
      lease: z.uuid().optional(),
    }),
    result: z.object({
      messages: z.array(z.object({ id: z.uuid(), stanza: z.string() })),
      leased: z.boolean().optional(),
    }),
  },
  /** Removes messages once delivered; with `release`, also ends the run's lease. */
  'offline.remove': {
    request: z.object({
      jid: BareJid,
      ids: z.array(z.uuid()).max(1000),
      release: z.uuid().optional(),
    }),
    result: z.object({ removed: z.number().int().min(0) }),
  },
} as const;

/** The stream's settings, the same whichever service creates it first. */
export const messagesStreamConfig = {
  name: MESSAGES_STREAM,
  subjects: [messageSubjects.all],
  max_age: MESSAGES_MAX_AGE_MS * 1_000_000,
  // A re-published message (same id) within two minutes is stored once.
  duplicate_window: 120 * 1_000_000_000,
};
