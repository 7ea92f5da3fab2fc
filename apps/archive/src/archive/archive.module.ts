import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GdprModule } from '@sotto/gdpr';
import { MESSAGES_STREAM, messageSubjects } from '@sotto/contracts';
import { ConsumerCatchUp, NatsModule, consumerCatchUpProvider } from '@sotto/nats';
import { XmppServiceModule } from '@sotto/xmpp-service';
import { ClusteringService } from '../clustering/clustering.service';
import { ARCHIVE_CONFIG, type ArchiveConfig } from '../config/archive.config';
import { dataSourceOptions } from '../database/data-source';
import { ARCHIVE_DATASETS, ArchiveGdprProvider } from '../gdpr/archive-gdpr.provider';
import { ArchiveWriter } from '../ingest/archive-writer';
import { BatchHandler } from '../ingest/batch-handler';
import { ARCHIVE_CONSUMER, ChatConsumer } from '../ingest/chat-consumer';
import { MamQueryService } from '../mam/mam-query.service';
import { MamHandler } from '../mam/mam.handler';
import { PrefsRepository } from '../prefs/prefs.repository';
import { PrefsService } from '../prefs/prefs.service';
import { RosterLookup } from '../prefs/roster-lookup';
import { RetentionService } from '../retention/retention.service';
import { ArchiveRepository } from './archive.repository';
import { NS_MAM, NS_MAM_EXTENDED } from './namespaces';

/** The archive and preference tables and the ingest's progress, shared with the GDPR provider. */
@Module({
  providers: [
    ArchiveRepository,
    PrefsRepository,
    consumerCatchUpProvider(
      { stream: MESSAGES_STREAM, consumer: ARCHIVE_CONSUMER, subject: messageSubjects.accepted },
      'the archive',
    ),
  ],
  exports: [ArchiveRepository, PrefsRepository, ConsumerCatchUp],
})
class ArchiveStoreModule {}

@Module({})
export class ArchiveModule {
  /** The whole service: its database, the bus, ingest, MAM IQs, upkeep and GDPR. */
  static forRoot(config: ArchiveConfig): DynamicModule {
    const features = [NS_MAM, NS_MAM_EXTENDED];
    return {
      module: ArchiveModule,
      imports: [
        NatsModule.forRoot({ url: config.NATS_URL, name: 'archive' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.ARCHIVE_DATABASE_URL)),
        ArchiveStoreModule,
        XmppServiceModule.forService({
          service: 'archive',
          domain: config.XMPP_DOMAIN,
          // XEP-0313 §8: on the account's bare JID; on the server too, for clients that look there.
          accountFeatures: features,
          serverFeatures: features,
          handlers: [MamHandler],
        }),
        GdprModule.forService({
          service: 'archive',
          datasets: ARCHIVE_DATASETS,
          provider: ArchiveGdprProvider,
          imports: [ArchiveStoreModule],
        }),
      ],
      providers: [
        { provide: ARCHIVE_CONFIG, useValue: config },
        ArchiveWriter,
        RosterLookup,
        BatchHandler,
        ChatConsumer,
        MamQueryService,
        PrefsService,
        MamHandler,
        RetentionService,
        ClusteringService,
      ],
    };
  }
}
