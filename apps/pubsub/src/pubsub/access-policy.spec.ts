import { describe, it, expect, beforeEach } from 'vitest';
import type { RosterEntry } from '../roster/roster-directory';
import { AccessPolicy, type AccessRequest } from './access-policy';
import { PubsubErrorCode } from './pubsub.exception';

class FakeRosters {
  readonly items = new Map<string, RosterEntry>();
  asked = 0;
  async item(owner: string, contact: string): Promise<RosterEntry | null> {
    this.asked++;
    return this.items.get(`${owner} ${contact}`) ?? null;
  }
}

const juliet = 'juliet@example.org';
const romeo = 'romeo@example.org';
const request = (overrides: Partial<AccessRequest>): AccessRequest => ({
  config: { accessModel: 'open', rosterGroupsAllowed: [] },
  owners: [juliet],
  requester: romeo,
  affiliation: 'none',
  ...overrides,
});

describe('AccessPolicy', () => {
  let rosters: FakeRosters;
  let sut: AccessPolicy;

  beforeEach(() => {
    rosters = new FakeRosters();
    sut = new AccessPolicy(rosters);
  });

  it('lets anyone read an open node, except outcasts and publish-only entities', async () => {
    expect(await sut.refusal(request({}))).toBeUndefined();
    expect(await sut.refusal(request({ affiliation: 'outcast' }))).toBe(PubsubErrorCode.Forbidden);
    expect(await sut.refusal(request({ affiliation: 'publish-only' }))).toBe(
      PubsubErrorCode.Forbidden,
    );
    expect(rosters.asked).toBe(0);
  });

  it('presence: asks that an owner’s roster gives the requester its presence', async () => {
    const presence = request({ config: { accessModel: 'presence', rosterGroupsAllowed: [] } });
    expect(await sut.refusal(presence)).toBe(PubsubErrorCode.PresenceSubscriptionRequired);
    rosters.items.set(`${juliet} ${romeo}`, { subscription: 'to', groups: [] });
    expect(await sut.refusal(presence)).toBe(PubsubErrorCode.PresenceSubscriptionRequired);
    rosters.items.set(`${juliet} ${romeo}`, { subscription: 'from', groups: [] });
    expect(await sut.refusal(presence)).toBeUndefined();
    rosters.items.set(`${juliet} ${romeo}`, { subscription: 'both', groups: [] });
    expect(await sut.refusal(presence)).toBeUndefined();
  });

  it('roster: asks that the requester is in an allowed group of an owner’s roster', async () => {
    const roster = request({
      config: { accessModel: 'roster', rosterGroupsAllowed: ['Friends'] },
      owners: ['nurse@example.org', juliet],
    });
    rosters.items.set(`${juliet} ${romeo}`, { subscription: 'both', groups: ['Family'] });
    expect(await sut.refusal(roster)).toBe(PubsubErrorCode.NotInRosterGroup);
    rosters.items.set(`${juliet} ${romeo}`, {
      subscription: 'none',
      groups: ['Family', 'Friends'],
    });
    expect(await sut.refusal(roster)).toBeUndefined();
  });

  it('whitelist: members, publishers and owners only', async () => {
    const whitelist = { accessModel: 'whitelist' as const, rosterGroupsAllowed: [] };
    expect(await sut.refusal(request({ config: whitelist }))).toBe(PubsubErrorCode.ClosedNode);
    for (const affiliation of ['member', 'publisher', 'owner'] as const) {
      expect(await sut.refusal(request({ config: whitelist, affiliation }))).toBeUndefined();
    }
    // A PEP account reads its own nodes, whatever is stored about it.
    expect(await sut.refusal(request({ config: whitelist, requester: juliet }))).toBeUndefined();
  });
});
