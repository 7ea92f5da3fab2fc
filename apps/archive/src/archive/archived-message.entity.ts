import { Column, Entity, PrimaryColumn } from 'typeorm';

export type Direction = 'in' | 'out';

/** One message in one owner's archive (the table is written and read with SQL in the repository). */
@Entity('archived_messages')
export class ArchivedMessageEntity {
  /** The archive owner's prepared bare JID. */
  @PrimaryColumn('text', { name: 'owner_jid', primaryKeyConstraintName: 'archived_messages_pkey' })
  ownerJid!: string;

  /** The message's UUID v7: its archive id (and XEP-0359 stanza-id) in both parties' archives. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'archived_messages_pkey' })
  id!: string;

  @Column('timestamptz', { name: 'sent_at' })
  sentAt!: Date;

  /** The other party's bare JID (the owner's own for a message to oneself). */
  @Column('text', { name: 'with_jid' })
  withJid!: string;

  /** The other party's resource when the message names one (full-JID 'with' filters). */
  @Column('text', { name: 'with_resource', nullable: true })
  withResource!: string | null;

  /** 'out' for a message the owner sent, 'in' for one the owner received. */
  @Column('text')
  direction!: Direction;

  /** The message as delivered (with its stanza-id), serialised. */
  @Column('text')
  stanza!: string;

  /** Rewritten next to the owner's other messages of the same day (see ClusteringService). */
  @Column('boolean')
  clustered!: boolean;
}
