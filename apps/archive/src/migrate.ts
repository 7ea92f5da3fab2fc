import 'reflect-metadata';
import { migrateAndExit } from '@sotto/database';
import { loadArchiveConfig } from './config/archive.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the archive database and exits: 0 on success, 1 with a reason.
migrateAndExit('archive', () => dataSourceOptions(loadArchiveConfig().ARCHIVE_DATABASE_URL));
