import type { DataSourceOptions } from 'typeorm';
import { VcardEntity } from '../vcard/vcard.entity';
import { CreateVcards1795477862000 } from './migrations/1795477862000-create-vcards';

/** The one description of the vCard database, shared by the service and `migrate.js`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [VcardEntity],
    migrations: [CreateVcards1795477862000],
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Query logs would carry JIDs and vCards in their parameters.
    logging: false,
  };
}
