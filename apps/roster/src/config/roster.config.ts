import { z } from 'zod';
import { commonConfig, intVar, loadConfig } from '@sotto/config';
import { ROSTER_MAX_ITEMS } from '@sotto/contracts';
import { Jid, JidError } from '@sotto/xmpp';

const rosterConfigSchema = z.object({
  ...commonConfig,
  XMPP_DOMAIN: commonConfig.XMPP_DOMAIN.refine(isDomain, 'expected a domain name or IP literal'),
  ROSTER_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_roster@127.0.0.1:5432/sotto_roster'),
  /** Items a user's roster may hold; a roster set beyond it is refused with not-allowed. */
  ROSTER_MAX_ITEMS: intVar(1000, 1, ROSTER_MAX_ITEMS),
  /** Longest item name and group name, in characters (longer: not-acceptable). */
  ROSTER_MAX_NAME_LENGTH: intVar(1024, 16, 4096),
  /** Groups one item may belong to. */
  ROSTER_MAX_GROUPS: intVar(64, 1, 1024),
});

export type RosterConfig = z.infer<typeof rosterConfigSchema>;

/** Injection token of the service's `RosterConfig`. */
export const ROSTER_CONFIG = Symbol('RosterConfig');

export function loadRosterConfig(env: NodeJS.ProcessEnv = process.env): RosterConfig {
  return loadConfig(rosterConfigSchema, env);
}

function isDomain(value: string): boolean {
  try {
    return Jid.parse(value).local === undefined;
  } catch (error) {
    if (error instanceof JidError) {
      return false;
    }
    throw error;
  }
}
