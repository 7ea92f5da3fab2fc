import { Inject, Injectable } from '@nestjs/common';
import { NatsClient } from '@sotto/nats';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { FeatureRegistry } from '../features/feature-registry';
import { Delivery } from '../routing/delivery.service';
import { PresenceRouter } from '../routing/presence-router';
import { StanzaRouter } from '../routing/stanza-router';
import { LocalSessions } from '../sessions/local-sessions';
import { SessionRegistry } from '../sessions/session-registry';

/** What every client connection needs from the process, handed to each one in one piece. */
@Injectable()
export class C2SDependencies {
  constructor(
    @Inject(GATEWAY_CONFIG) readonly config: GatewayConfig,
    readonly nats: NatsClient,
    readonly registry: SessionRegistry,
    readonly local: LocalSessions,
    readonly delivery: Delivery,
    readonly router: StanzaRouter,
    readonly presence: PresenceRouter,
    readonly features: FeatureRegistry,
  ) {}
}
