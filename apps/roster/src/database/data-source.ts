import type { DataSourceOptions } from 'typeorm';
import { PendingSubscriptionEntity } from '../roster/pending-subscription.entity';
import { RosterItemEntity } from '../roster/roster-item.entity';
import { RosterVersionEntity } from '../roster/roster-version.entity';
import { CreateRoster1796000000000 } from './migrations/1796000000000-create-roster';

/** The one description of the roster database, shared by the service and `migrate.js`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [RosterItemEntity, RosterVersionEntity, PendingSubscriptionEntity],
    migrations: [CreateRoster1796000000000],
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Query logs would carry JIDs in their parameters.
    logging: false,
  };
}
