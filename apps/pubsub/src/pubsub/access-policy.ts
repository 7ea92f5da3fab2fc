import { Inject, Injectable } from '@nestjs/common';
import type { NodeConfig } from '../forms/node-config';
import { RosterDirectory, type RosterEntry, type RosterLookup } from '../roster/roster-directory';
import { privileges, type Affiliation } from './affiliation';
import { PubsubErrorCode } from './pubsub.exception';

/** Who asks about which node: the node's owners and the requester's affiliation with it. */
export interface AccessRequest {
  config: Pick<NodeConfig, 'accessModel' | 'rosterGroupsAllowed'>;
  /** Bare JIDs of the node's owners (the account itself for a PEP node). */
  owners: string[];
  /** The requester's bare JID. */
  requester: string;
  affiliation: Affiliation;
}

/** Roster items already asked for, by `<owner> <contact>`. */
export type RosterItems = Map<string, Promise<RosterEntry | null>>;

/**
 * Who may subscribe to a node and retrieve its items (XEP-0060 §4.1 and §4.5, §6.1.3, §6.5.9):
 * outcasts and publish-only entities never; owners, publishers and members always; anyone else
 * as the access model says, the presence and roster models asking the owners' rosters.
 */
@Injectable()
export class AccessPolicy {
  constructor(@Inject(RosterDirectory) private readonly rosters: Pick<RosterLookup, 'item'>) {}

  /**
   * Undefined when the requester may read the node, else the refusal's error code. `rosters`
   * keeps the roster items asked for, when one request decides about several nodes.
   */
  async refusal(
    request: AccessRequest,
    rosters: RosterItems = new Map(),
  ): Promise<PubsubErrorCode | undefined> {
    const { affiliation, config, owners, requester } = request;
    if (privileges.readNever(affiliation)) {
      return PubsubErrorCode.Forbidden;
    }
    if (privileges.readAlways(affiliation) || owners.includes(requester)) {
      return undefined;
    }
    switch (config.accessModel) {
      case 'open':
        return undefined;
      case 'whitelist':
        return PubsubErrorCode.ClosedNode;
      case 'presence':
        return (await this.anyOwner(
          owners,
          requester,
          rosters,
          (item) => item.subscription === 'from' || item.subscription === 'both',
        ))
          ? undefined
          : PubsubErrorCode.PresenceSubscriptionRequired;
      case 'roster': {
        const allowed = new Set(config.rosterGroupsAllowed);
        return (await this.anyOwner(owners, requester, rosters, (item) =>
          item.groups.some((group) => allowed.has(group)),
        ))
          ? undefined
          : PubsubErrorCode.NotInRosterGroup;
      }
    }
  }

  private async anyOwner(
    owners: string[],
    requester: string,
    rosters: RosterItems,
    grants: (item: { subscription: string; groups: string[] }) => boolean,
  ): Promise<boolean> {
    for (const owner of owners) {
      const key = `${owner} ${requester}`;
      let asked = rosters.get(key);
      if (asked === undefined) {
        asked = this.rosters.item(owner, requester);
        rosters.set(key, asked);
      }
      const item = await asked;
      if (item && grants(item)) {
        return true;
      }
    }
    return false;
  }
}
