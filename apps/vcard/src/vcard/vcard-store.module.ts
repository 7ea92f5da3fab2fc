import { Module } from '@nestjs/common';
import { VcardRepository } from './vcard.repository';

/** The vCard table, shared by the IQ handler's service and the GDPR provider. */
@Module({ providers: [VcardRepository], exports: [VcardRepository] })
export class VcardStoreModule {}
