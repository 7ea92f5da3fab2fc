import 'reflect-metadata';
import { migrateAndExit } from '@sotto/database';
import { loadOfflineConfig } from './config/offline.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the offline database and exits: 0 on success, 1 with a reason.
migrateAndExit('offline', () => dataSourceOptions(loadOfflineConfig().OFFLINE_DATABASE_URL));
