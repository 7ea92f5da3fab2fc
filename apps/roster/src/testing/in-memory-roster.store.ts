/* eslint-disable @typescript-eslint/require-await -- fakes keep the async signatures they stand in for */
import type { Element } from '@sotto/xmpp';
import type { RosterItem } from '../roster/roster-item';
import type {
  CollectedEntry,
  PairTransaction,
  PendingRequest,
  RosterStore,
} from '../roster/roster-store';
import type { AccountLookup } from '../subscriptions/account-directory';
import type { StanzaOut } from '../subscriptions/outbox';

const key = (owner: string, contact: string): string => `${owner} ${contact}`;

/** The roster tables in memory, for unit specs: what the repository does, without PostgreSQL. */
export class InMemoryRosterStore implements RosterStore, PairTransaction {
  readonly items = new Map<string, { owner: string; item: RosterItem }>();
  readonly pendingIn = new Map<string, { owner: string; contact: string; stanza: string }>();
  readonly versions = new Map<string, number>();

  async inPair<T>(_a: string, _b: string, work: (tx: PairTransaction) => Promise<T>): Promise<T> {
    // Rolled back on failure, like the real transaction.
    const saved = [new Map(this.items), new Map(this.pendingIn), new Map(this.versions)] as const;
    try {
      return await work(this);
    } catch (error) {
      this.restore(...saved);
      throw error;
    }
  }

  async roster(owner: string): Promise<{ version: number; items: RosterItem[] }> {
    return { version: await this.version(owner), items: this.itemsOf(owner) };
  }

  async version(owner: string): Promise<number> {
    return this.versions.get(owner) ?? 0;
  }

  async pendingRequests(owner: string): Promise<PendingRequest[]> {
    return [...this.pendingIn.values()]
      .filter((row) => row.owner === owner)
      .map((row) => ({ contact: row.contact, stanza: row.stanza }));
  }

  async relatedJids(owner: string): Promise<string[]> {
    const related = new Set(this.itemsOf(owner).map((item) => item.contact));
    for (const row of this.pendingIn.values()) {
      if (row.owner === owner) {
        related.add(row.contact);
      } else if (row.contact === owner) {
        related.add(row.owner);
      }
    }
    return [...related].sort();
  }

  async collect(owner: string, afterContact: string, limit: number): Promise<CollectedEntry[]> {
    const contacts = new Set(this.itemsOf(owner).map((item) => item.contact));
    for (const row of this.pendingIn.values()) {
      if (row.owner === owner) {
        contacts.add(row.contact);
      }
    }
    return [...contacts]
      .sort()
      .filter((contact) => contact > afterContact)
      .slice(0, limit)
      .map((contact) => ({
        contact,
        item: this.items.get(key(owner, contact))?.item,
        pendingStanza: this.pendingIn.get(key(owner, contact))?.stanza,
      }));
  }

  async countOwned(owner: string): Promise<number> {
    const owned = [...this.items.values(), ...this.pendingIn.values()];
    return owned.filter((row) => row.owner === owner).length;
  }

  async deleteOwner(owner: string): Promise<number> {
    let deleted = 0;
    for (const table of [this.items, this.pendingIn]) {
      for (const [k, row] of table) {
        if (row.owner === owner) {
          table.delete(k);
          deleted++;
        }
      }
    }
    this.versions.delete(owner);
    return deleted;
  }

  async countMentions(contact: string): Promise<number> {
    return [...this.items.values()].filter(({ item }) => item.contact === contact).length;
  }

  // ---- PairTransaction ----------------------------------------------------------------------

  async item(owner: string, contact: string): Promise<RosterItem | undefined> {
    return this.items.get(key(owner, contact))?.item;
  }

  contactItem(owner: string, contact: string): Promise<RosterItem | undefined> {
    return this.item(owner, contact);
  }

  async pending(owner: string, contact: string): Promise<string | undefined> {
    return this.pendingIn.get(key(owner, contact))?.stanza;
  }

  async countItems(owner: string): Promise<number> {
    return this.itemsOf(owner).length;
  }

  async saveItem(owner: string, item: RosterItem): Promise<void> {
    this.items.set(key(owner, item.contact), {
      owner,
      item: { ...item, groups: [...item.groups] },
    });
  }

  async deleteItem(owner: string, contact: string): Promise<void> {
    this.items.delete(key(owner, contact));
  }

  async savePending(owner: string, contact: string, stanza: string): Promise<void> {
    this.pendingIn.set(key(owner, contact), { owner, contact, stanza });
  }

  async deletePending(owner: string, contact: string): Promise<void> {
    this.pendingIn.delete(key(owner, contact));
  }

  async bumpVersions(owners: readonly string[]): Promise<Map<string, number>> {
    const bumped = new Map<string, number>();
    for (const owner of new Set(owners)) {
      const version = (this.versions.get(owner) ?? 0) + 1;
      this.versions.set(owner, version);
      bumped.set(owner, version);
    }
    return bumped;
  }

  // ---- helpers for specs --------------------------------------------------------------------

  itemOf(owner: string, contact: string): RosterItem | undefined {
    return this.items.get(key(owner, contact))?.item;
  }

  private itemsOf(owner: string): RosterItem[] {
    return [...this.items.values()]
      .filter((row) => row.owner === owner)
      .map((row) => row.item)
      .sort((a, b) => (a.contact < b.contact ? -1 : 1));
  }

  private restore(
    items: Map<string, { owner: string; item: RosterItem }>,
    pendingIn: Map<string, { owner: string; contact: string; stanza: string }>,
    versions: Map<string, number>,
  ): void {
    refill(this.items, items);
    refill(this.pendingIn, pendingIn);
    refill(this.versions, versions);
  }
}

function refill<V>(target: Map<string, V>, source: Map<string, V>): void {
  target.clear();
  for (const [k, v] of source) {
    target.set(k, v);
  }
}

/** Records what would have been published on `c2s.route`. */
export class RecordingSender implements StanzaOut {
  readonly sent: { to: string; stanza: Element }[] = [];

  send(to: string, stanza: Element): void {
    this.sent.push({ to, stanza });
  }

  /** Takes and returns everything sent so far. */
  take(): { to: string; stanza: Element }[] {
    return this.sent.splice(0);
  }
}

/** Every JID of the domain `example.org` is an account, except those listed as gone. */
export class FakeAccounts implements AccountLookup {
  readonly gone = new Set<string>();

  async isAccount(jid: string): Promise<boolean> {
    return jid.endsWith('@example.org') && !this.gone.has(jid);
  }
}
