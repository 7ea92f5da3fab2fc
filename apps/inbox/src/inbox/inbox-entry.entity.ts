import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Box } from './inbox-entry';

@Entity('inbox_entries')
@Index('inbox_entries_owner_last_at_idx', ['ownerJid', 'lastAt', 'remoteJid'])
@Index('inbox_entries_remote_jid_idx', ['remoteJid'])
export class InboxEntryEntity {
  /** The inbox's owner: a prepared bare JID. */
  @PrimaryColumn('text', { name: 'owner_jid', primaryKeyConstraintName: 'inbox_entries_pkey' })
  ownerJid!: string;

  /** The other party of the conversation: a prepared bare JID. */
  @PrimaryColumn('text', { name: 'remote_jid', primaryKeyConstraintName: 'inbox_entries_pkey' })
  remoteJid!: string;

  /** The conversation's last message as delivered (XML). */
  @Column('text')
  content!: string;

  /** The last message's `id` attribute, which XEP-0333 markers refer to. */
  @Column('text', { name: 'msg_id', nullable: true })
  msgId!: string | null;

  /** The last message's XEP-0359 stanza-id, its id in both parties' archives. */
  @Column('uuid', { name: 'stanza_id' })
  stanzaId!: string;

  @Column('timestamptz', { name: 'last_at' })
  lastAt!: Date;

  @Column('integer', { name: 'unread_count' })
  unreadCount!: number;

  @Column('text')
  box!: Box;

  @Column('timestamptz', { name: 'muted_until', nullable: true })
  mutedUntil!: Date | null;

  /** Stream sequence of the last bus event applied to the row. */
  @Column('bigint', { name: 'applied_seq' })
  appliedSeq!: string;

  /** Id (UUID v7) of the last bus event applied to the row. */
  @Column('uuid', { name: 'applied_event_id' })
  appliedEventId!: string;
}
