import type { DataSourceOptions } from 'typeorm';
import { AffiliationEntity } from '../store/affiliation.entity';
import { ItemEntity } from '../store/item.entity';
import { NodeEntity } from '../store/node.entity';
import { SubscriptionEntity } from '../store/subscription.entity';
import { CreatePubsub1797000000000 } from './migrations/1797000000000-create-pubsub';

/** The one description of the pubsub database, shared by the service and `migrate.js`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [NodeEntity, AffiliationEntity, SubscriptionEntity, ItemEntity],
    migrations: [CreatePubsub1797000000000],
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Query logs would carry JIDs and payloads in their parameters.
    logging: false,
  };
}
