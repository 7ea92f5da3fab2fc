import 'reflect-metadata';
import { migrateAndExit } from '@sotto/database';
import { loadInboxConfig } from './config/inbox.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the inbox database and exits: 0 on success, 1 with a reason.
migrateAndExit('inbox', () => dataSourceOptions(loadInboxConfig().INBOX_DATABASE_URL));
