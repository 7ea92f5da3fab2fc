import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GdprModule } from '@sotto/gdpr';
import { NatsModule } from '@sotto/nats';
import { ACCOUNTS_CONFIG, type AccountsConfig } from '../config/accounts.config';
import { dataSourceOptions } from '../database/data-source';
import { ACCOUNTS_DATASETS, AccountsGdprProvider } from '../gdpr/accounts-gdpr.provider';
import { AccountsStoreModule } from './accounts-store.module';
import { AccountsHandler } from './accounts.handler';
import { AccountsService } from './accounts.service';

@Module({})
export class AccountsModule {
  /** The whole service: its database, the bus, the `accounts.*` handlers and the GDPR worker. */
  static forRoot(config: AccountsConfig): DynamicModule {
    return {
      module: AccountsModule,
      imports: [
        NatsModule.forRoot({ url: config.NATS_URL, name: 'accounts' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.ACCOUNTS_DATABASE_URL)),
        AccountsStoreModule,
        GdprModule.forService({
          service: 'accounts',
          datasets: ACCOUNTS_DATASETS,
          provider: AccountsGdprProvider,
          imports: [AccountsStoreModule],
        }),
      ],
      providers: [{ provide: ACCOUNTS_CONFIG, useValue: config }, AccountsService, AccountsHandler],
    };
  }
}
