import type { DataSourceOptions } from 'typeorm';
import { ArchivedMessageEntity } from '../archive/archived-message.entity';
import { ArchivePrefsEntity } from '../prefs/archive-prefs.entity';
import { CreateArchive1797000000000 } from './migrations/1797000000000-create-archive';

/** The one description of the archive database, shared by the service and `migrate.js`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [ArchivedMessageEntity, ArchivePrefsEntity],
    migrations: [CreateArchive1797000000000],
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Query logs would carry JIDs and messages in their parameters.
    logging: false,
  };
}
