import { Injectable } from '@nestjs/common';
import { lockKeys } from '@sotto/database';
import { DataSource, type EntityManager } from 'typeorm';
import type { Subscription } from '../subscriptions/subscription-state';
import { PendingSubscriptionEntity } from './pending-subscription.entity';
import { RosterItemEntity } from './roster-item.entity';
import type { RosterItem } from './roster-item';
import type { CollectedEntry, PairTransaction, PendingRequest, RosterStore } from './roster-store';
import { RosterVersionEntity } from './roster-version.entity';

interface CollectedRow {
  contact: string;
  name: string | null;
  subscription: Subscription | null;
  pending_out: boolean | null;
  approved: boolean | null;
  groups: string[] | null;
  stanza: string | null;
}

/** The only code that touches the roster tables. JIDs here are already prepared. */
@Injectable()
export class RosterRepository implements RosterStore {
  constructor(private readonly dataSource: DataSource) {}

  inPair<T>(a: string, b: string, work: (tx: PairTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      // Both users' locks: the two users' items about each other change together, and an
      // erasure of either (`deleteOwner`) waits for the pair's work, or comes before it.
      await lockKeys(manager, [a, b]);
      return work(new TypeOrmPairTransaction(manager));
    });
  }

  async roster(owner: string): Promise<{ version: number; items: RosterItem[] }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const rows = await manager
        .getRepository(RosterItemEntity)
        .find({ where: { ownerJid: owner }, order: { contactJid: 'ASC' } });
      return { version: await versionOf(manager, owner), items: rows.map(toItem) };
    });
  }

  async contactItem(owner: string, contact: string): Promise<RosterItem | undefined> {
    const row = await this.dataSource
      .getRepository(RosterItemEntity)
      .findOneBy({ ownerJid: owner, contactJid: contact });
    return row ? toItem(row) : undefined;
  }

  version(owner: string): Promise<number> {
    return versionOf(this.dataSource.manager, owner);
  }

  async pendingRequests(owner: string): Promise<PendingRequest[]> {
    const rows = await this.dataSource
      .getRepository(PendingSubscriptionEntity)
      .find({ where: { ownerJid: owner }, order: { receivedAt: 'ASC' } });
    return rows.map((row) => ({ contact: row.contactJid, stanza: row.stanza }));
  }

  async relatedJids(owner: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ jid: string }[]>(
      `SELECT contact_jid AS jid FROM roster_items WHERE owner_jid = $1
       UNION SELECT contact_jid FROM roster_pending_in WHERE owner_jid = $1
       UNION SELECT owner_jid FROM roster_pending_in WHERE contact_jid = $1
       ORDER BY 1`,
      [owner],
    );
    return rows.map((row) => row.jid);
  }

  async collect(owner: string, afterContact: string, limit: number): Promise<CollectedEntry[]> {
    const rows = await this.dataSource.query<CollectedRow[]>(
      `SELECT COALESCE(i.contact_jid, p.contact_jid) AS contact, i.name, i.subscription,
              i.pending_out, i.approved, i.groups, p.stanza
       FROM (SELECT * FROM roster_items WHERE owner_jid = $1) i
       FULL OUTER JOIN (SELECT * FROM roster_pending_in WHERE owner_jid = $1) p
         ON p.contact_jid = i.contact_jid
       WHERE COALESCE(i.contact_jid, p.contact_jid) > $2
       ORDER BY 1
       LIMIT $3`,
      [owner, afterContact, limit],
    );
    return rows.map((row) => ({
      contact: row.contact,
      item:
        row.subscription === null
          ? undefined
          : {
              contact: row.contact,
              name: row.name,
              subscription: row.subscription,
              pendingOut: row.pending_out ?? false,
              approved: row.approved ?? false,
              groups: row.groups ?? [],
            },
      pendingStanza: row.stanza ?? undefined,
    }));
  }

  async countOwned(owner: string): Promise<number> {
    const [items, pending] = await Promise.all([
      this.dataSource.getRepository(RosterItemEntity).countBy({ ownerJid: owner }),
      this.dataSource.getRepository(PendingSubscriptionEntity).countBy({ ownerJid: owner }),
    ]);
    return items + pending;
  }

  async deleteOwner(owner: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await lockKeys(manager, [owner]);
      const items = await manager.getRepository(RosterItemEntity).delete({ ownerJid: owner });
      const pending = await manager
        .getRepository(PendingSubscriptionEntity)
        .delete({ ownerJid: owner });
      await manager.getRepository(RosterVersionEntity).delete({ ownerJid: owner });
      return (items.affected ?? 0) + (pending.affected ?? 0);
    });
  }

  countMentions(contact: string): Promise<number> {
    return this.dataSource.getRepository(RosterItemEntity).countBy({ contactJid: contact });
  }
}

class TypeOrmPairTransaction implements PairTransaction {
  constructor(private readonly manager: EntityManager) {}

  async item(owner: string, contact: string): Promise<RosterItem | undefined> {
    const row = await this.manager
      .getRepository(RosterItemEntity)
      .findOneBy({ ownerJid: owner, contactJid: contact });
    return row ? toItem(row) : undefined;
  }

  async pending(owner: string, contact: string): Promise<string | undefined> {
    const row = await this.manager
      .getRepository(PendingSubscriptionEntity)
      .findOneBy({ ownerJid: owner, contactJid: contact });
    return row?.stanza;
  }

  countItems(owner: string): Promise<number> {
    return this.manager.getRepository(RosterItemEntity).countBy({ ownerJid: owner });
  }

  async saveItem(owner: string, item: RosterItem): Promise<void> {
    await this.manager.getRepository(RosterItemEntity).upsert(
      {
        ownerJid: owner,
        contactJid: item.contact,
        name: item.name,
        subscription: item.subscription,
        pendingOut: item.pendingOut,
        approved: item.approved,
        groups: [...item.groups],
        updatedAt: new Date(),
      },
      ['ownerJid', 'contactJid'],
    );
  }

  async deleteItem(owner: string, contact: string): Promise<void> {
    await this.manager
      .getRepository(RosterItemEntity)
      .delete({ ownerJid: owner, contactJid: contact });
  }

  async savePending(owner: string, contact: string, stanza: string): Promise<void> {
    await this.manager
      .getRepository(PendingSubscriptionEntity)
      .upsert({ ownerJid: owner, contactJid: contact, stanza }, ['ownerJid', 'contactJid']);
  }

  async deletePending(owner: string, contact: string): Promise<void> {
    await this.manager
      .getRepository(PendingSubscriptionEntity)
      .delete({ ownerJid: owner, contactJid: contact });
  }

  async bumpVersions(owners: readonly string[]): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    // Always in the same order, so two transactions never wait on each other's version rows.
    for (const owner of [...new Set(owners)].sort()) {
      const [row] = await this.manager.query<[{ version: string }]>(
        `INSERT INTO roster_versions (owner_jid, version) VALUES ($1, 1)
         ON CONFLICT (owner_jid) DO UPDATE SET version = roster_versions.version + 1
         RETURNING version`,
        [owner],
      );
      versions.set(owner, Number(row.version));
    }
    return versions;
  }
}

async function versionOf(manager: EntityManager, owner: string): Promise<number> {
  const row = await manager.getRepository(RosterVersionEntity).findOneBy({ ownerJid: owner });
  return row ? Number(row.version) : 0;
}

function toItem(row: RosterItemEntity): RosterItem {
  return {
    contact: row.contactJid,
    name: row.name,
    subscription: row.subscription,
    pendingOut: row.pendingOut,
    approved: row.approved,
    groups: row.groups,
  };
}
