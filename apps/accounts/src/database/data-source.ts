import type { DataSourceOptions } from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';
import { ScramCredentialEntity } from '../accounts/scram-credential.entity';
import { CreateAccounts1763900000000 } from './migrations/1763900000000-create-accounts';
import { AddAccountsDisabledAt1795477000000 } from './migrations/1795477000000-add-accounts-disabled-at';

/** The one description of the accounts database, shared by the service and `migrate.js`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [AccountEntity, ScramCredentialEntity],
    migrations: [CreateAccounts1763900000000, AddAccountsDisabledAt1795477000000],
    // The schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Query logs would carry JIDs in their parameters.
    logging: false,
  };
}
