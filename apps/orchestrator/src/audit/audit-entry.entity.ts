import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who (a pseudonymous credential label) did what and when; never a JID in clear. */
@Entity('audit_entries')
@Index('audit_entries_at_idx', ['at'])
@Index('audit_entries_job_id_idx', ['jobId'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('timestamptz', { default: () => 'now()' })
  at!: Date;

  @Column('text')
  actor!: string;

  @Column('text')
  action!: string;

  @Column('uuid', { name: 'job_id', nullable: true })
  jobId!: string | null;

  @Column('text', { name: 'subject_hash', nullable: true })
  subjectHash!: string | null;

  @Column('text')
  outcome!: string;
}
