import { Module } from '@nestjs/common';
import { PrivateStorageRepository } from './private-storage.repository';

/** The private storage table, shared by the IQ handler's service and the GDPR provider. */
@Module({ providers: [PrivateStorageRepository], exports: [PrivateStorageRepository] })
export class PrivateStorageStoreModule {}
