import type { DataSourceOptions } from 'typeorm';
import { InboxEntryEntity } from '../inbox/inbox-entry.entity';
import { CreateInboxEntries1796200000000 } from './migrations/1796200000000-create-inbox-entries';

/** The one description of the inbox database, shared by the service and `migrate.js`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [InboxEntryEntity],
    migrations: [CreateInboxEntries1796200000000],
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Query logs would carry JIDs and messages in their parameters.
    logging: false,
  };
}
