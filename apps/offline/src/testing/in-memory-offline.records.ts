import type {
  OfflineMessageRepository,
  StoredMessage,
} from '../offline/offline-message.repository';

/** The offline table in memory, with the repository's semantics, for unit specs. */
export class InMemoryOfflineRecords implements Omit<OfflineMessageRepository, 'dataSource'> {
  rows: StoredMessage[] = [];
  leases = new Map<string, { token: string; expiresAt: number }>();
  /** The clock leases are measured against. */
  now = (): number => Date.now();

  async insertForActive(
    rows: StoredMessage[],
    activeAmong: (owners: string[]) => Promise<Set<string>>,
  ): Promise<Set<string>> {
    if (rows.length === 0) {
      return new Set();
    }
    const active = await activeAmong([...new Set(rows.map((row) => row.owner))]);
    for (const row of rows.filter((r) => active.has(r.owner))) {
      if (!this.rows.some((r) => r.owner === row.owner && r.id === row.id)) {
        this.rows.push({ ...row });
      }
    }
    return active;
  }

  storedIds(keys: { owner: string; id: string }[]): Promise<Set<string>> {
    const stored = keys.filter((key) =>
      this.rows.some((r) => r.owner === key.owner && r.id === key.id),
    );
    return Promise.resolve(new Set(stored.map((key) => key.id)));
  }

  countByOwner(owners: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const row of this.rows.filter((r) => owners.includes(r.owner))) {
      counts.set(row.owner, (counts.get(row.owner) ?? 0) + 1);
    }
    return Promise.resolve(counts);
  }

  page(owner: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    return Promise.resolve(
      this.rows
        .filter((r) => r.owner === owner && r.seq > afterSeq)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit),
    );
  }

  remove(owner: string, ids: string[]): Promise<number> {
    return this.deleteWhere((r) => r.owner === owner && ids.includes(r.id));
  }

  deleteAcceptedBefore(cutoff: Date, limit: number): Promise<number> {
    const doomed = new Set(
      this.rows
        .filter((r) => r.acceptedAt < cutoff)
        .sort((a, b) => a.acceptedAt.getTime() - b.acceptedAt.getTime())
        .slice(0, limit),
    );
    return this.deleteWhere((r) => doomed.has(r));
  }

  deleteAll(owner: string): Promise<number> {
    this.leases.delete(owner);
    return this.deleteWhere((r) => r.owner === owner);
  }

  lease(owner: string, token: string, ttlMs: number): Promise<boolean> {
    const held = this.leases.get(owner);
    if (held && held.token !== token && held.expiresAt >= this.now()) {
      return Promise.resolve(false);
    }
    this.leases.set(owner, { token, expiresAt: this.now() + ttlMs });
    return Promise.resolve(true);
  }

  release(owner: string, token: string): Promise<void> {
    if (this.leases.get(owner)?.token === token) {
      this.leases.delete(owner);
    }
    return Promise.resolve();
  }

  deleteExpiredLeases(): Promise<number> {
    const expired = [...this.leases].filter(([, lease]) => lease.expiresAt < this.now());
    for (const [owner] of expired) {
      this.leases.delete(owner);
    }
    return Promise.resolve(expired.length);
  }

  countSentBy(bareJid: string): Promise<number> {
    return Promise.resolve(
      this.rows.filter((r) => r.sender.split('/')[0] === bareJid && r.owner !== bareJid).length,
    );
  }

  private deleteWhere(doomed: (row: StoredMessage) => boolean): Promise<number> {
    const before = this.rows.length;
    this.rows = this.rows.filter((row) => !doomed(row));
    return Promise.resolve(before - this.rows.length);
  }
}
