import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NatsModule } from '@sotto/nats';
import { ACCOUNTS_CONFIG, type AccountsConfig } from '../config/accounts.config';
import { dataSourceOptions } from '../database/data-source';
import { AccountsHandler } from './accounts.handler';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';

@Module({})
export class AccountsModule {
  /** The whole service: its database, the bus, and the `accounts.*` handlers. */
  static forRoot(config: AccountsConfig): DynamicModule {
    return {
      module: AccountsModule,
      imports: [
        NatsModule.forRoot({ url: config.NATS_URL, name: 'accounts' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.ACCOUNTS_DATABASE_URL)),
      ],
      providers: [
        { provide: ACCOUNTS_CONFIG, useValue: config },
        AccountsRepository,
        AccountsService,
        AccountsHandler,
      ],
    };
  }
}
