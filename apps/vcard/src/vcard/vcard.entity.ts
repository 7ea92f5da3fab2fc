import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('vcards')
export class VcardEntity {
  /** The owner's prepared bare JID (RFC 7622). */
  @PrimaryColumn('text', { name: 'owner_jid', primaryKeyConstraintName: 'vcards_pkey' })
  ownerJid!: string;

  /** The `<vCard xmlns='vcard-temp'/>` element as the owner set it, serialised. */
  @Column('text')
  vcard!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
