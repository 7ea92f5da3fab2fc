/** MongooseIM's boxes: the active inbox, the archive the owner moved entries to, the bin. */
export const BOXES = ['inbox', 'archive', 'bin'] as const;
export type Box = (typeof BOXES)[number];

/** One conversation in an owner's inbox. JIDs are prepared bare JIDs. */
export interface InboxEntry {
  ownerJid: string;
  remoteJid: string;
  /** The last message, as delivered (XML). */
  content: string;
  /** The last message's `id` attribute, if it had one. */
  msgId: string | null;
  /** The last message's stanza-id (its archive id). */
  stanzaId: string;
  /** When the last message was accepted. */
  lastAt: Date;
  unreadCount: number;
  box: Box;
  mutedUntil: Date | null;
}

/** An entry with the position of the last bus event applied to it (see the ingest fold). */
export interface AppliedEntry extends InboxEntry {
  appliedSeq: number;
  appliedEventId: string;
}

/** Identifies an entry in maps. */
export function entryKey(ownerJid: string, remoteJid: string): string {
  return `${ownerJid}\n${remoteJid}`;
}
