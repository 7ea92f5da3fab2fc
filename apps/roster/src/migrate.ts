import 'reflect-metadata';
import { migrateAndExit } from '@sotto/database';
import { loadRosterConfig } from './config/roster.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the roster database and exits: 0 on success, 1 with a reason.
migrateAndExit('roster', () => dataSourceOptions(loadRosterConfig().ROSTER_DATABASE_URL));
