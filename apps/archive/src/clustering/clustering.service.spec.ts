import { describe, it, expect } from 'vitest';
import { CLUSTER_BATCH, ClusteringService, type ClusterableArchive } from './clustering.service';

class FakeArchive implements ClusterableArchive {
  readonly calls: { cutoff: Date; after: string }[] = [];
  constructor(private readonly owners: string[]) {}
  async cluster(cutoff: Date, after: string, limit: number) {
    this.calls.push({ cutoff, after });
    expect(limit).toBe(CLUSTER_BATCH);
    const next = this.owners.find((owner) => owner > after);
    return next === undefined ? { moved: 0, lastOwner: null } : { moved: 10, lastOwner: next };
  }
}

describe('ClusteringService', () => {
  it('clusters every owner’s rows from before the current UTC day, batch after batch', async () => {
    const archive = new FakeArchive(['a@x', 'b@x', 'c@x']);
    const sut = new ClusteringService(archive);
    expect(await sut.run(Date.parse('2024-05-02T13:45:00Z'))).toBe(30);
    expect(archive.calls.map((call) => call.after)).toEqual(['', 'a@x', 'b@x', 'c@x']);
    expect(archive.calls[0]?.cutoff).toEqual(new Date('2024-05-02T00:00:00Z'));
  });
});
