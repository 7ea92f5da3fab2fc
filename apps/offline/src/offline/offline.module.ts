import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GdprModule } from '@sotto/gdpr';
import { NatsModule } from '@sotto/nats';
import { XmppServiceModule } from '@sotto/xmpp-service';
import { OFFLINE_CONFIG, type OfflineConfig } from '../config/offline.config';
import { dataSourceOptions } from '../database/data-source';
import { OfflineExpiry } from '../expiry/offline-expiry';
import { OFFLINE_DATASETS, OfflineGdprProvider } from '../gdpr/offline-gdpr.provider';
import { UndeliveredConsumer } from '../intake/undelivered-consumer';
import { AccountDirectory } from './account-directory';
import { OfflineStorageService } from './offline-storage.service';
import { OfflineStoreModule } from './offline-store.module';
import { OfflineHandler } from './offline.handler';

@Module({})
export class OfflineModule {
  /** The whole service: its database, the stream intake, the gateways' RPCs, expiry and GDPR. */
  static forRoot(config: OfflineConfig): DynamicModule {
    return {
      module: OfflineModule,
      imports: [
        NatsModule.forRoot({ url: config.NATS_URL, name: 'offline' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.OFFLINE_DATABASE_URL)),
        OfflineStoreModule,
        // No IQs of its own: it advertises XEP-0160's disco#info feature (§4) and sends bounces.
        XmppServiceModule.forService({
          service: 'offline',
          domain: config.XMPP_DOMAIN,
          serverFeatures: ['msgoffline'],
          accountFeatures: [],
          handlers: [],
        }),
        GdprModule.forService({
          service: 'offline',
          datasets: OFFLINE_DATASETS,
          provider: OfflineGdprProvider,
          imports: [OfflineStoreModule],
        }),
      ],
      providers: [
        { provide: OFFLINE_CONFIG, useValue: config },
        AccountDirectory,
        OfflineStorageService,
        OfflineHandler,
        UndeliveredConsumer,
        OfflineExpiry,
      ],
    };
  }
}
