import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Subscription } from '../subscriptions/subscription-state';

/** One contact in one user's roster; JIDs are prepared bare JIDs (or the contact as given). */
@Entity('roster_items')
@Index('roster_items_contact_jid_idx', ['contactJid'])
export class RosterItemEntity {
  @PrimaryColumn('text', { name: 'owner_jid' })
  ownerJid!: string;

  @PrimaryColumn('text', { name: 'contact_jid' })
  contactJid!: string;

  @Column('text', { nullable: true })
  name!: string | null;

  @Column('text')
  subscription!: Subscription;

  /** `ask='subscribe'`: the owner's request to the contact waits for an answer. */
  @Column('boolean', { name: 'pending_out' })
  pendingOut!: boolean;

  /** The owner pre-approved the contact's subscription (RFC 6121 §3.4). */
  @Column('boolean')
  approved!: boolean;

  @Column('text', { array: true })
  groups!: string[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
