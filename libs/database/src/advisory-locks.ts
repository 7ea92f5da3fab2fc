import type { EntityManager } from 'typeorm';

/**
 * Takes a transaction-scoped advisory lock for each key (on a hash of it), held until the
 * transaction ends. Always in the same (sorted) order, so that two transactions with keys in
 * common cannot wait for each other.
 */
export async function lockKeys(manager: EntityManager, keys: readonly string[]): Promise<void> {
  await manager.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM unnest($1::text[]) AS key`,
    [[...new Set(keys)].sort()],
  );
}
