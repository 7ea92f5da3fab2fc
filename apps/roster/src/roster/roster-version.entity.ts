import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's roster version (XEP-0237): increased by every change the user's resources see. */
@Entity('roster_versions')
export class RosterVersionEntity {
  @PrimaryColumn('text', { name: 'owner_jid' })
  ownerJid!: string;

  @Column('bigint')
  version!: string;
}
