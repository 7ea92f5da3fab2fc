import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('private_storage')
export class PrivateStorageEntity {
  /** The owner's prepared bare JID (RFC 7622). */
  @PrimaryColumn('text', { name: 'owner_jid', primaryKeyConstraintName: 'private_storage_pkey' })
  ownerJid!: string;

  /** The namespace of the stored elements: XEP-0049's storage key. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'private_storage_pkey' })
  namespace!: string;

  /** The stored elements, each serialised to stand on its own, one after another. */
  @Column('text')
  xml!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
