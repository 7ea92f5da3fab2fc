import type { DataSourceOptions } from 'typeorm';
import { OfflineMessageEntity } from '../offline/offline-message.entity';
import { CreateOfflineMessages1796200000000 } from './migrations/1796200000000-create-offline-messages';
import { CreateDeliveryLeases1796900000000 } from './migrations/1796900000000-create-delivery-leases';

/** The one description of the offline database, shared by the service and `migrate.js`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [OfflineMessageEntity],
    migrations: [CreateOfflineMessages1796200000000, CreateDeliveryLeases1796900000000],
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Query logs would carry JIDs and message bodies in their parameters.
    logging: false,
  };
}
