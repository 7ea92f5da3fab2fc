import 'reflect-metadata';
import { migrateAndExit } from '@sotto/database';
import { loadVcardConfig } from './config/vcard.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the vCard database and exits: 0 on success, 1 with a reason.
migrateAndExit('vcard', () => dataSourceOptions(loadVcardConfig().VCARD_DATABASE_URL));
