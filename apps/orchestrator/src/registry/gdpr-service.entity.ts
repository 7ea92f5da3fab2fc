import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DatasetDescription } from '@sotto/contracts';

/** A service that announced it holds personal data: every job waits for it until an operator decommissions it. */
@Entity('gdpr_services')
export class GdprServiceEntity {
  @PrimaryColumn('text')
  service!: string;

  @Column('jsonb')
  datasets!: DatasetDescription[];

  @Column('timestamptz', { name: 'first_announced_at' })
  firstAnnouncedAt!: Date;

  @Column('timestamptz', { name: 'last_announced_at' })
  lastAnnouncedAt!: Date;
}
