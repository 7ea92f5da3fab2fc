import type { DataSourceOptions } from 'typeorm';
import { PrivateStorageEntity } from '../private-storage/private-storage.entity';
import { CreatePrivateStorage1795477862000 } from './migrations/1795477862000-create-private-storage';

/** The one description of the private storage database, shared by the service and `migrate.js`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [PrivateStorageEntity],
    migrations: [CreatePrivateStorage1795477862000],
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Query logs would carry JIDs and stored XML in their parameters.
    logging: false,
  };
}
