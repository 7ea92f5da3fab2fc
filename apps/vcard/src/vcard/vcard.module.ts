import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GdprModule } from '@sotto/gdpr';
import { NatsModule } from '@sotto/nats';
import { XmppServiceModule } from '@sotto/xmpp-service';
import { VCARD_CONFIG, type VcardConfig } from '../config/vcard.config';
import { dataSourceOptions } from '../database/data-source';
import { VCARD_DATASETS, VcardGdprProvider } from '../gdpr/vcard-gdpr.provider';
import { VcardStoreModule } from './vcard-store.module';
import { VcardHandler } from './vcard.handler';
import { NS_VCARD, VcardService } from './vcard.service';

@Module({})
export class VcardModule {
  /** The whole service: its database, the bus, the vcard-temp IQs and the GDPR worker. */
  static forRoot(config: VcardConfig): DynamicModule {
    return {
      module: VcardModule,
      imports: [
        NatsModule.forRoot({ url: config.NATS_URL, name: 'vcard' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.VCARD_DATABASE_URL)),
        VcardStoreModule,
        XmppServiceModule.forService({
          service: 'vcard',
          domain: config.XMPP_DOMAIN,
          // XEP-0054 §4: a server serving vcard-temp lists it in its disco#info.
          serverFeatures: [NS_VCARD],
          accountFeatures: [],
          handlers: [VcardHandler],
        }),
        GdprModule.forService({
          service: 'vcard',
          datasets: VCARD_DATASETS,
          provider: VcardGdprProvider,
          imports: [VcardStoreModule],
        }),
      ],
      providers: [{ provide: VCARD_CONFIG, useValue: config }, VcardService, VcardHandler],
    };
  }
}
