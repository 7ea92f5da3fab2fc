import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A subscription request the owner has not answered yet ("Pending In"), kept to be delivered
 * again at the owner's next initial presence. Not a roster item: it shows in no roster.
 */
@Entity('roster_pending_in')
@Index('roster_pending_in_contact_jid_idx', ['contactJid'])
export class PendingSubscriptionEntity {
  @PrimaryColumn('text', { name: 'owner_jid' })
  ownerJid!: string;

  /** Who asked. */
  @PrimaryColumn('text', { name: 'contact_jid' })
  contactJid!: string;

  /** The request as it will be delivered: only its status and nickname are kept. */
  @Column('text')
  stanza!: string;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
