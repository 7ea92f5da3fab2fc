import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('offline_messages')
export class OfflineMessageEntity {
  /** The recipient's prepared bare JID (RFC 7622). */
  @PrimaryColumn('text', { name: 'owner_jid', primaryKeyConstraintName: 'offline_messages_pkey' })
  ownerJid!: string;

  /** The gateway's message id (UUID v7, the XEP-0359 stanza-id). */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'offline_messages_pkey' })
  id!: string;

  /** The message's sequence in the messages stream: the delivery order. */
  @Column('bigint')
  seq!: string;

  /** The sender's full JID. */
  @Column('text', { name: 'sender_jid' })
  senderJid!: string;

  @Column('timestamptz', { name: 'accepted_at' })
  acceptedAt!: Date;

  /** The message as it will be delivered, XEP-0203 delay stamp included. */
  @Column('text')
  stanza!: string;
}
