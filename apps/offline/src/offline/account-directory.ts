import { Injectable } from '@nestjs/common';
import { NatsClient } from '@sotto/nats';

/** Asks the accounts service about an account; throws `RpcError` when it cannot tell. */
@Injectable()
export class AccountDirectory {
  constructor(private readonly nats: NatsClient) {}

  /** True while the account exists and no erasure of it has begun. */
  async active(bareJid: string): Promise<boolean> {
    const { active } = await this.nats.request('accounts.exists', { jid: bareJid });
    return active;
  }
}
