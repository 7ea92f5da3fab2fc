import type { Direction } from './archived-message.entity';

/** One message as written to one owner's archive. */
export interface ArchiveRow {
  ownerJid: string;
  id: string;
  sentAt: Date;
  withJid: string;
  withResource: string | null;
  direction: Direction;
  stanza: string;
}

/** One archived message as a query reads it. */
export interface StoredMessage {
  id: string;
  sentAt: Date;
  stanza: string;
}
