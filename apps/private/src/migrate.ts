import 'reflect-metadata';
import { migrateAndExit } from '@sotto/database';
import { loadPrivateConfig } from './config/private.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the private storage database and exits: 0 on success, 1 with a reason.
migrateAndExit('private', () => dataSourceOptions(loadPrivateConfig().PRIVATE_DATABASE_URL));
