import type { DataSourceOptions } from 'typeorm';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { JobServiceEntity } from '../jobs/job-service.entity';
import { JobEntity } from '../jobs/job.entity';
import { TombstoneEntity } from '../registration/tombstone.entity';
import { GdprServiceEntity } from '../registry/gdpr-service.entity';
import { CreateOrchestrator1764000000000 } from './migrations/1764000000000-create-orchestrator';
import { JobServiceLogs1764100000000 } from './migrations/1764100000000-job-service-logs';

/** The one description of the orchestrator database, shared by the service and `migrate.js`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [GdprServiceEntity, JobEntity, JobServiceEntity, TombstoneEntity, AuditEntryEntity],
    migrations: [CreateOrchestrator1764000000000, JobServiceLogs1764100000000],
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Query logs would carry JIDs in their parameters.
    logging: false,
  };
}
