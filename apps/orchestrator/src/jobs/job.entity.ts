import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { JobKind, JobRecord, JobStatus } from './job-state';

@Entity('jobs')
@Index('jobs_status_deadline_idx', ['status', 'deadlineAt'])
@Index('jobs_created_at_idx', ['createdAt'])
@Index('jobs_subject_hash_idx', ['subjectHash'])
export class JobEntity implements JobRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  kind!: JobKind;

  @Column('text')
  status!: JobStatus;

  // Needed while the job runs (requests, manifest, restart); cleared when it finishes.
  @Column('text', { name: 'subject_jid', nullable: true })
  subjectJid!: string | null;

  @Column('text', { name: 'subject_hash' })
  subjectHash!: string;

  @Column('timestamptz', { name: 'deadline_at' })
  deadlineAt!: Date;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column('text', { nullable: true })
  error!: string | null;
}
