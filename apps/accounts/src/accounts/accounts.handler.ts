import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { accountsRpc, RpcRequest, RpcResult } from '@sotto/contracts';
import { NatsClient } from '@sotto/nats';
import { AccountsException, toRpcError } from './accounts.exception';
import { AccountsService } from './accounts.service';

type AccountsSubject = keyof typeof accountsRpc;
type Handlers = { [S in AccountsSubject]: (request: RpcRequest<S>) => Promise<RpcResult<S>> };

/** Serves every `accounts.*` subject in the `accounts` queue group. */
@Injectable()
export class AccountsHandler implements OnApplicationBootstrap {
  constructor(
    private readonly nats: NatsClient,
    private readonly service: AccountsService,
  ) {}

  // The mapped type makes the compiler insist on one handler per subject of the contract.
  private readonly handlers: Handlers = {
    'accounts.create': async ({ jid, password }) => ({
      jid: await this.service.create(jid, password),
    }),
    'accounts.exists': async ({ jid }) => this.service.status(jid),
    'accounts.scram-credentials': async ({ jid, mechanism }) => {
      const credentials = await this.service.scramCredentials(jid, mechanism);
      return {
        salt: credentials.salt.toString('base64'),
        iterations: credentials.iterations,
        storedKey: credentials.storedKey.toString('base64'),
        serverKey: credentials.serverKey.toString('base64'),
      };
    },
    'accounts.change-password': async ({ jid, password }) => ({
      jid: await this.service.changePassword(jid, password),
    }),
    'accounts.disable': async ({ jid }) => ({ disabled: await this.service.disable(jid) }),
    'accounts.login-allowed': async ({ jid }) => ({
      allowed: await this.service.loginAllowed(jid),
    }),
    'accounts.delete': async ({ jid }) => ({ deleted: await this.service.delete(jid) }),
  };

  onApplicationBootstrap(): void {
    for (const subject of Object.keys(this.handlers) as AccountsSubject[]) {
      this.serve(subject);
    }
  }

  private serve<S extends AccountsSubject>(subject: S): void {
    const handler: Handlers[S] = this.handlers[subject];
    this.nats.serve(subject, 'accounts', async (request) => {
      try {
        return await handler(request);
      } catch (error) {
        throw error instanceof AccountsException ? toRpcError(error) : error;
      }
    });
  }
}
