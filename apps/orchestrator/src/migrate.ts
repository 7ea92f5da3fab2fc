import 'reflect-metadata';
import { migrateAndExit } from '@sotto/database';
import { loadDatabaseUrl } from './config/orchestrator.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the orchestrator database and exits: 0 on success, 1 with a reason.
migrateAndExit('orchestrator', () => dataSourceOptions(loadDatabaseUrl()));
