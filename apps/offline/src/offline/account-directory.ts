import { Injectable } from '@nestjs/common';
import { NatsClient } from '@sotto/nats';

/** Asks the accounts service whether an account exists; throws `RpcError` when it cannot tell. */
@Injectable()
export class AccountDirectory {
  constructor(private readonly nats: NatsClient) {}

  async exists(bareJid: string): Promise<boolean> {
    const { exists } = await this.nats.request('accounts.exists', { jid: bareJid });
    return exists;
  }
}
