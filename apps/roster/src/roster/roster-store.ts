import type { RosterItem } from './roster-item';

/** A subscription request waiting for its owner's answer. */
export interface PendingRequest {
  /** Who asked. */
  readonly contact: string;
  readonly stanza: string;
}

/**
 * Reads and writes of one pair of users, inside one transaction that no other work on the same
 * pair can interleave with (whoever of the two started it).
 */
export interface PairTransaction {
  item(owner: string, contact: string): Promise<RosterItem | undefined>;
  pending(owner: string, contact: string): Promise<string | undefined>;
  countItems(owner: string): Promise<number>;
  saveItem(owner: string, item: RosterItem): Promise<void>;
  deleteItem(owner: string, contact: string): Promise<void>;
  savePending(owner: string, contact: string, stanza: string): Promise<void>;
  deletePending(owner: string, contact: string): Promise<void>;
  /** Increases the roster version of each owner by one; returns the new versions. */
  bumpVersions(owners: readonly string[]): Promise<Map<string, number>>;
}

/** One row of the `roster` dataset before it is formatted for the export. */
export interface CollectedEntry {
  readonly contact: string;
  readonly item: RosterItem | undefined;
  readonly pendingStanza: string | undefined;
}

/** What the roster features need of storage; the repository is the TypeORM implementation. */
export interface RosterStore {
  inPair<T>(a: string, b: string, work: (tx: PairTransaction) => Promise<T>): Promise<T>;
  roster(owner: string): Promise<{ version: number; items: RosterItem[] }>;
  version(owner: string): Promise<number>;
  /** One item of the owner's roster, outside any pair transaction (read-only lookups). */
  contactItem(owner: string, contact: string): Promise<RosterItem | undefined>;
  pendingRequests(owner: string): Promise<PendingRequest[]>;
  /** Everyone the owner has an item for, a request from, or a request waiting with. */
  relatedJids(owner: string): Promise<string[]>;
  /** The owner's entries (items and requests) after `afterContact`, by contact, at most `limit`. */
  collect(owner: string, afterContact: string, limit: number): Promise<CollectedEntry[]>;
  /** How many items and waiting requests the owner has. */
  countOwned(owner: string): Promise<number>;
  /** Deletes the owner's items, requests and version; returns how many items and requests. */
  deleteOwner(owner: string): Promise<number>;
  /** How many items in other users' rosters name `contact`. */
  countMentions(contact: string): Promise<number>;
}
