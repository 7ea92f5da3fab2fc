import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { ScramMechanism } from '@sotto/contracts';
import { AccountEntity } from './account.entity';

/** The salted, one-way SCRAM keys of one account and mechanism; no password is ever stored. */
@Entity('scram_credentials')
export class ScramCredentialEntity {
  @PrimaryColumn('uuid', { name: 'account_id' })
  accountId!: string;

  @PrimaryColumn('text')
  mechanism!: ScramMechanism;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: AccountEntity;

  @Column('bytea')
  salt!: Buffer;

  @Column('int')
  iterations!: number;

  @Column('bytea', { name: 'stored_key' })
  storedKey!: Buffer;

  @Column('bytea', { name: 'server_key' })
  serverKey!: Buffer;
}
