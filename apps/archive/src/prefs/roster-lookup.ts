import { Injectable } from '@nestjs/common';
import { NatsClient } from '@sotto/nats';

/**
 * Whether a contact is in an owner's roster, asked of the roster service (`roster.item`): the
 * archive's own tables hold no roster. Throws `RpcError` when the roster service does not answer.
 */
@Injectable()
export class RosterLookup {
  constructor(private readonly nats: NatsClient) {}

  async inRoster(owner: string, contact: string): Promise<boolean> {
    const { item } = await this.nats.request('roster.item', { owner, contact });
    return item !== null;
  }
}
