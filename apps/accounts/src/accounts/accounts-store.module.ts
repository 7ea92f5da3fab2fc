import { Module } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository';

/** The accounts tables, shared by the `accounts.*` handlers and the GDPR provider. */
@Module({ providers: [AccountsRepository], exports: [AccountsRepository] })
export class AccountsStoreModule {}
