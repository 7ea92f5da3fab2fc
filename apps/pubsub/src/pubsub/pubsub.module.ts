import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GdprModule } from '@sotto/gdpr';
import { NatsModule } from '@sotto/nats';
import { XmppServiceModule } from '@sotto/xmpp-service';
import { PUBSUB_CONFIG, type PubsubConfig } from '../config/pubsub.config';
import { dataSourceOptions } from '../database/data-source';
import { DiscoInfoHandler, DiscoItemsHandler } from '../disco/disco.handlers';
import { NodeDiscovery } from '../disco/node-discovery';
import { PEP_ACCOUNT_FEATURES } from '../disco/pubsub-features';
import { PUBSUB_DATASETS, PubsubGdprProvider } from '../gdpr/pubsub-gdpr.provider';
import { PubsubGdprRepository } from '../gdpr/pubsub-gdpr.repository';
import { Notifier } from '../notifications/notifier';
import { LastItemsService } from '../pep/last-items.service';
import { PepInterestListener } from '../pep/pep-interest.listener';
import { RosterDirectory } from '../roster/roster-directory';
import { ItemRepository } from '../store/item.repository';
import { PubsubRepository } from '../store/pubsub.repository';
import { AccessPolicy } from './access-policy';
import { NodeGuard } from './node-guard';
import { OwnerService } from './owner.service';
import { PublishingService } from './publishing.service';
import { PubsubHosts } from './pubsub-hosts';
import { PubsubIqHandler, PubsubOwnerIqHandler } from './pubsub-iq.handler';
import { SubscribingService } from './subscribing.service';

/** Storage, access rules, notifications and IQ handling, shared with the GDPR provider. */
@Module({})
class PubsubCoreModule {}

@Module({})
export class PubsubModule {
  /** The whole service: its database, the bus, PubSub and PEP IQs, PEP interest and GDPR. */
  static forRoot(config: PubsubConfig): DynamicModule {
    const core: DynamicModule = {
      module: PubsubCoreModule,
      imports: [
        XmppServiceModule.forService({
          service: 'pubsub',
          domain: config.XMPP_DOMAIN,
          // The server itself hosts no nodes: its disco#items lists the sub-domain instead.
          serverFeatures: [],
          // XEP-0163 §6.1: every account is a PEP service.
          accountFeatures: PEP_ACCOUNT_FEATURES,
          accountIdentities: [{ category: 'pubsub', type: 'pep' }],
          subdomains: [config.PUBSUB_SUBDOMAIN],
          // disco#items and node queries of bare JIDs reach the service of their namespace: the
          // account's PEP nodes. The gateway answers the rest of an account's disco itself.
          handlers: [PubsubIqHandler, PubsubOwnerIqHandler, DiscoInfoHandler, DiscoItemsHandler],
        }),
      ],
      providers: [
        { provide: PUBSUB_CONFIG, useValue: config },
        PubsubRepository,
        ItemRepository,
        PubsubGdprRepository,
        RosterDirectory,
        AccessPolicy,
        NodeGuard,
        Notifier,
        PubsubHosts,
        PublishingService,
        SubscribingService,
        OwnerService,
        LastItemsService,
        PubsubIqHandler,
        PubsubOwnerIqHandler,
        NodeDiscovery,
        DiscoInfoHandler,
        DiscoItemsHandler,
      ],
      exports: [PUBSUB_CONFIG, PubsubGdprRepository, Notifier, LastItemsService],
    };
    return {
      module: PubsubModule,
      imports: [
        NatsModule.forRoot({ url: config.NATS_URL, name: 'pubsub' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.PUBSUB_DATABASE_URL)),
        core,
        GdprModule.forService({
          service: 'pubsub',
          datasets: PUBSUB_DATASETS,
          provider: PubsubGdprProvider,
          imports: [core],
        }),
      ],
      providers: [PepInterestListener],
    };
  }
}
