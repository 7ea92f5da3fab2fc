import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GdprModule } from '@sotto/gdpr';
import { NatsModule } from '@sotto/nats';
import { XmppServiceModule } from '@sotto/xmpp-service';
import { ROSTER_CONFIG, type RosterConfig } from '../config/roster.config';
import { dataSourceOptions } from '../database/data-source';
import { ROSTER_DATASETS, RosterGdprProvider } from '../gdpr/roster-gdpr.provider';
import { AccountDirectory } from '../subscriptions/account-directory';
import { PresenceHandler } from '../subscriptions/presence.handler';
import { SubscriptionService } from '../subscriptions/subscription.service';
import { RosterIqHandler } from './roster-iq.handler';
import { NS_ROSTER } from './roster-item';
import { RosterRepository } from './roster.repository';
import { RosterService } from './roster.service';

/** Roster storage and the subscription machinery, shared by the handlers and the GDPR provider. */
@Module({})
class RosterCoreModule {}

@Module({})
export class RosterModule {
  /** The whole service: its database, the bus, the roster IQs, presence requests and GDPR. */
  static forRoot(config: RosterConfig): DynamicModule {
    const core: DynamicModule = {
      module: RosterCoreModule,
      imports: [
        XmppServiceModule.forService({
          service: 'roster',
          domain: config.XMPP_DOMAIN,
          handlers: [RosterIqHandler],
          serverFeatures: [NS_ROSTER],
          accountFeatures: [],
        }),
      ],
      providers: [
        { provide: ROSTER_CONFIG, useValue: config },
        RosterRepository,
        AccountDirectory,
        SubscriptionService,
        RosterService,
        RosterIqHandler,
      ],
      exports: [ROSTER_CONFIG, RosterRepository, SubscriptionService],
    };
    return {
      module: RosterModule,
      imports: [
        NatsModule.forRoot({ url: config.NATS_URL, name: 'roster' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.ROSTER_DATABASE_URL)),
        core,
        GdprModule.forService({
          service: 'roster',
          datasets: ROSTER_DATASETS,
          provider: RosterGdprProvider,
          imports: [core],
        }),
      ],
      providers: [PresenceHandler],
    };
  }
}
