import { Injectable } from '@nestjs/common';
import type { RpcResult } from '@sotto/contracts';
import { NatsClient } from '@sotto/nats';

export type RosterEntry = NonNullable<RpcResult<'roster.item'>['item']>;

/** What the access models need from rosters (XEP-0060 §4.5), asked of the roster service. */
export interface RosterLookup {
  /** `owner`'s roster item for `contact`, or null when there is none. */
  item(owner: string, contact: string): Promise<RosterEntry | null>;
  /** Who receives `jid`'s presence (`subscribers`) and whose presence `jid` receives. */
  presence(jid: string): Promise<{ subscribers: string[]; subscriptions: string[] }>;
}

/** Rosters through `roster.item` and `roster.presence-targets`; throws RpcError on failure. */
@Injectable()
export class RosterDirectory implements RosterLookup {
  constructor(private readonly nats: NatsClient) {}

  async item(owner: string, contact: string): Promise<RosterEntry | null> {
    return (await this.nats.request('roster.item', { owner, contact })).item;
  }

  async presence(jid: string): Promise<{ subscribers: string[]; subscriptions: string[] }> {
    const { subscribers, subscriptions } = await this.nats.request('roster.presence-targets', {
      jid,
    });
    return { subscribers, subscriptions };
  }
}
