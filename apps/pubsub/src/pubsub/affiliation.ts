/** The affiliations of XEP-0060 §4.1; "none" is never stored. */
export const STORED_AFFILIATIONS = [
  'owner',
  'publisher',
  'publish-only',
  'member',
  'outcast',
] as const;
export type StoredAffiliation = (typeof STORED_AFFILIATIONS)[number];
export type Affiliation = StoredAffiliation | 'none';

export function isAffiliation(value: string): value is Affiliation {
  return value === 'none' || (STORED_AFFILIATIONS as readonly string[]).includes(value);
}

/** The privileges of XEP-0060 §4.1's table that do not depend on the access model. */
export const privileges = {
  /** Publish items, whatever the publish model. */
  publish: (a: Affiliation): boolean => a === 'owner' || a === 'publisher' || a === 'publish-only',
  /** Retract any item; a publish-only entity retracts only its own. */
  retractAny: (a: Affiliation): boolean => a === 'owner' || a === 'publisher',
  /** Configure, delete, purge, and manage subscriptions and affiliations. */
  own: (a: Affiliation): boolean => a === 'owner',
  /** Subscribe and retrieve items without the access model's say. */
  readAlways: (a: Affiliation): boolean => a === 'owner' || a === 'publisher' || a === 'member',
  /** Neither subscribe nor retrieve, whatever the access model. */
  readNever: (a: Affiliation): boolean => a === 'outcast' || a === 'publish-only',
} as const;
