import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('accounts')
@Index('accounts_jid_key', ['jid'], { unique: true })
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The prepared bare JID (RFC 7622), so lookups need no case folding. */
  @Column('text')
  jid!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set when an erasure begins; a disabled account still exists but can no longer log in. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;
}
