import 'reflect-metadata';
import { migrateAndExit } from '@sotto/database';
import { loadPubsubConfig } from './config/pubsub.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the pubsub database and exits: 0 on success, 1 with a reason.
migrateAndExit('pubsub', () => dataSourceOptions(loadPubsubConfig().PUBSUB_DATABASE_URL));
