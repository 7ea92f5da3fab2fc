import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GdprModule } from '@sotto/gdpr';
import { NatsModule } from '@sotto/nats';
import { XmppServiceModule } from '@sotto/xmpp-service';
import { PRIVATE_CONFIG, type PrivateConfig } from '../config/private.config';
import { dataSourceOptions } from '../database/data-source';
import { PRIVATE_DATASETS, PrivateGdprProvider } from '../gdpr/private-gdpr.provider';
import { PrivateStorageStoreModule } from './private-storage-store.module';
import { PrivateStorageHandler } from './private-storage.handler';
import { PrivateStorageService } from './private-storage.service';

@Module({})
export class PrivateStorageModule {
  /** The whole service: its database, the bus, the jabber:iq:private IQs and the GDPR worker. */
  static forRoot(config: PrivateConfig): DynamicModule {
    return {
      module: PrivateStorageModule,
      imports: [
        NatsModule.forRoot({ url: config.NATS_URL, name: 'private' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.PRIVATE_DATABASE_URL)),
        PrivateStorageStoreModule,
        XmppServiceModule.forService({
          service: 'private',
          domain: config.XMPP_DOMAIN,
          // XEP-0049 defines no disco#info feature; clients just try the IQ.
          serverFeatures: [],
          accountFeatures: [],
          handlers: [PrivateStorageHandler],
        }),
        GdprModule.forService({
          service: 'private',
          datasets: PRIVATE_DATASETS,
          provider: PrivateGdprProvider,
          imports: [PrivateStorageStoreModule],
        }),
      ],
      providers: [
        { provide: PRIVATE_CONFIG, useValue: config },
        PrivateStorageService,
        PrivateStorageHandler,
      ],
    };
  }
}
