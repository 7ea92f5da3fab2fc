import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PresenceTargets } from '@sotto/contracts';
import { NatsClient, RpcError, errorName } from '@sotto/nats';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

/**
 * The gateway's two questions to the roster service. Presence must keep working without it:
 * `targets` answers undefined then, and the broadcast stays among the user's own resources.
 */
@Injectable()
export class RosterLink {
  private readonly logger = new Logger('roster-link');
  private answering = true;

  constructor(
    private readonly nats: NatsClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Who takes part in the user's presence broadcast; undefined when the service fails. */
  async targets(bareJid: string): Promise<PresenceTargets | undefined> {
    try {
      const targets = await this.nats.request(
        'roster.presence-targets',
        { jid: bareJid },
        this.config.DELIVERY_TIMEOUT_MS,
      );
      if (!this.answering) {
        this.answering = true;
        this.logger.log('the roster service answers again');
      }
      return targets;
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  /** Hands a subscription presence over; throws `RpcError` when it is refused or not answered. */
  async subscriptionOut(fullJid: string, stanza: string): Promise<void> {
    await this.nats.request(
      'roster.presence-out',
      { from: fullJid, stanza },
      this.config.DELIVERY_TIMEOUT_MS,
    );
  }

  // Once per outage: a platform run without a roster service would warn at every presence.
  private failed(error: unknown): void {
    const reason = error instanceof RpcError ? error.code : errorName(error);
    if (this.answering) {
      this.answering = false;
      this.logger.warn(
        `roster service unavailable (${reason}): presence reaches own resources only`,
      );
    } else {
      this.logger.debug(`roster service still unavailable (${reason})`);
    }
  }
}
