import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CollectedDataset, CollectedLogs, ForgottenDataset } from '@sotto/contracts';
import type { JobServiceRecord, JobServiceStatus } from './job-state';

/** One service's part in a job: the registry as it was when the job started. */
@Entity('job_services')
export class JobServiceEntity implements JobServiceRecord {
  @PrimaryColumn('uuid', { name: 'job_id' })
  jobId!: string;

  @PrimaryColumn('text')
  service!: string;

  @Column('text')
  status!: JobServiceStatus;

  /** Rows collected (export) or deleted (erasure). */
  @Column('int')
  records!: number;

  @Column('timestamptz', { name: 'waiting_since' })
  waitingSince!: Date;

  @Column('timestamptz', { name: 'answered_at', nullable: true })
  answeredAt!: Date | null;

  @Column('jsonb', { nullable: true })
  datasets!: CollectedDataset[] | ForgottenDataset[] | null;

  @Column('jsonb', { nullable: true })
  logs!: CollectedLogs | null;
}
