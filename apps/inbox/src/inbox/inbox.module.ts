import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GdprModule } from '@sotto/gdpr';
import { NatsModule } from '@sotto/nats';
import { XmppServiceModule } from '@sotto/xmpp-service';
import { INBOX_CONFIG, type InboxConfig } from '../config/inbox.config';
import { dataSourceOptions } from '../database/data-source';
import { INBOX_DATASETS, InboxGdprProvider } from '../gdpr/inbox-gdpr.provider';
import { InboxIngestService } from '../ingest/inbox-ingest.service';
import { IngestLeaseRepository } from '../ingest/ingest-lease.repository';
import { MessagesIngester } from '../ingest/messages-ingester';
import { ConversationService } from '../query/conversation.service';
import { EslConversationHandler } from '../query/esl-conversation.handler';
import { EslInboxHandler } from '../query/esl-inbox.handler';
import { NS_ESL_INBOX } from '../query/esl-stanzas';
import { InboxQueryService } from '../query/inbox-query.service';
import { Xep0430InboxHandler } from '../query/xep0430-inbox.handler';
import { NS_INBOX } from '../query/xep0430-stanzas';
import { BinCleaner } from './bin-cleaner';
import { InboxStoreModule } from './inbox-store.module';

const FEATURES = [NS_ESL_INBOX, NS_INBOX];

@Module({})
export class InboxModule {
  /**
   * The whole service: its database, the ingester of accepted messages, the inbox IQs of both
   * protocols and the GDPR worker.
   */
  static forRoot(config: InboxConfig): DynamicModule {
    return {
      module: InboxModule,
      imports: [
        NatsModule.forRoot({ url: config.NATS_URL, name: 'inbox' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.INBOX_DATABASE_URL)),
        InboxStoreModule,
        XmppServiceModule.forService({
          service: 'inbox',
          domain: config.XMPP_DOMAIN,
          // MongooseIM lists its inbox on the server; XEP-0430 queries go to one's bare JID.
          serverFeatures: FEATURES,
          accountFeatures: FEATURES,
          handlers: [EslInboxHandler, EslConversationHandler, Xep0430InboxHandler],
        }),
        GdprModule.forService({
          service: 'inbox',
          datasets: INBOX_DATASETS,
          provider: InboxGdprProvider,
          imports: [InboxStoreModule],
        }),
      ],
      providers: [
        { provide: INBOX_CONFIG, useValue: config },
        InboxQueryService,
        ConversationService,
        EslInboxHandler,
        EslConversationHandler,
        Xep0430InboxHandler,
        InboxIngestService,
        IngestLeaseRepository,
        MessagesIngester,
        BinCleaner,
      ],
    };
  }
}
