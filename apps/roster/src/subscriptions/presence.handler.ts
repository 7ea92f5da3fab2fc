import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { RpcRequest, RpcResult, rosterRpc } from '@sotto/contracts';
import { NatsClient } from '@sotto/nats';
import { Jid } from '@sotto/xmpp';
import { ROSTER_CONFIG, type RosterConfig } from '../config/roster.config';
import { RosterException, toRpcError } from '../roster/roster.exception';
import { bareAccount, parseSubscriptionRequest } from './subscription-request';
import { SubscriptionService } from './subscription.service';

type RosterSubject = keyof typeof rosterRpc;
type Handlers = { [S in RosterSubject]: (request: RpcRequest<S>) => Promise<RpcResult<S>> };

/** Serves the gateways' `roster.*` requests in the `roster` queue group. */
@Injectable()
export class PresenceHandler implements OnApplicationBootstrap {
  private readonly domain: string;

  constructor(
    private readonly nats: NatsClient,
    private readonly subscriptions: SubscriptionService,
    @Inject(ROSTER_CONFIG) config: RosterConfig,
  ) {
    this.domain = Jid.parse(config.XMPP_DOMAIN).domain;
  }

  // The mapped type makes the compiler insist on one handler per subject of the contract.
  private readonly handlers: Handlers = {
    'roster.presence-out': async ({ from, stanza }) => {
      const { user, contact, type, presence } = parseSubscriptionRequest(from, stanza, this.domain);
      await this.subscriptions.send(user, contact, type, presence);
      return {};
    },
    'roster.presence-targets': async ({ jid }) =>
      this.subscriptions.presenceTargets(bareAccount(jid)),
    'roster.item': async ({ owner, contact }) =>
      this.subscriptions.contactItem(bareAccount(owner), bareAccount(contact)),
  };

  onApplicationBootstrap(): void {
    for (const subject of Object.keys(this.handlers) as RosterSubject[]) {
      this.serve(subject);
    }
  }

  private serve<S extends RosterSubject>(subject: S): void {
    const handler: Handlers[S] = this.handlers[subject];
    this.nats.serve(subject, 'roster', async (request) => {
      try {
        return await handler(request);
      } catch (error) {
        throw error instanceof RosterException ? toRpcError(error) : error;
      }
    });
  }
}
