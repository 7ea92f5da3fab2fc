import { Module } from '@nestjs/common';
import { OfflineMessageRepository } from './offline-message.repository';

/** The offline table, shared by storage, expiry and the GDPR provider. */
@Module({ providers: [OfflineMessageRepository], exports: [OfflineMessageRepository] })
export class OfflineStoreModule {}
