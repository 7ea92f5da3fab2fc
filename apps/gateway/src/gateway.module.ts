import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@sotto/nats';
import { C2SDependencies } from './c2s/c2s-dependencies';
import { CapsCache } from './caps/caps-cache';
import { EntityCaps } from './caps/entity-caps';
import { GATEWAY_CONFIG, type GatewayConfig } from './config/gateway.config';
import { FeatureRegistry } from './features/feature-registry';
import { ServiceIqForwarder } from './features/service-iq.forwarder';
import { ServerIqHandler } from './iq/server-iq.handler';
import { MessageStream } from './messages/message-stream';
import { OfflineDelivery } from './messages/offline-delivery';
import { ContactPresence } from './presence/contact-presence';
import { RosterLink } from './presence/roster-link';
import { Delivery } from './routing/delivery.service';
import { IqRouter } from './routing/iq-router';
import { MessageRouter } from './routing/message-router';
import { PresenceRouter } from './routing/presence-router';
import { ServiceRouteListener } from './routing/service-route.listener';
import { StanzaRouter } from './routing/stanza-router';
import { LocalSessions } from './sessions/local-sessions';
import { SessionLifecycle } from './sessions/session-lifecycle';
import { SessionRegistry } from './sessions/session-registry';
import { TcpListener } from './transport/tcp.listener';
import { WebSocketListener } from './transport/websocket.listener';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [NatsModule.forRoot({ url: config.NATS_URL, name: 'gateway' })],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        SessionRegistry,
        LocalSessions,
        SessionLifecycle,
        CapsCache,
        EntityCaps,
        Delivery,
        FeatureRegistry,
        ServiceIqForwarder,
        ServiceRouteListener,
        ServerIqHandler,
        MessageStream,
        OfflineDelivery,
        MessageRouter,
        RosterLink,
        ContactPresence,
        PresenceRouter,
        IqRouter,
        StanzaRouter,
        C2SDependencies,
        TcpListener,
        WebSocketListener,
      ],
    };
  }
}
