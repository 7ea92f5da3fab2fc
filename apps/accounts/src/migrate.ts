import 'reflect-metadata';
import { migrateAndExit } from '@sotto/database';
import { loadAccountsConfig } from './config/accounts.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the accounts database and exits: 0 on success, 1 with a reason.
migrateAndExit('accounts', () => dataSourceOptions(loadAccountsConfig().ACCOUNTS_DATABASE_URL));
