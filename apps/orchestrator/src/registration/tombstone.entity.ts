import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An erased JID, as its keyed hash only: it may never be registered again. */
@Entity('tombstones')
export class TombstoneEntity {
  @PrimaryColumn('text', { name: 'subject_hash' })
  subjectHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
