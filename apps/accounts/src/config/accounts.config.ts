import { z } from 'zod';
import { commonConfig, intVar, loadConfig } from '@sotto/config';
import { Jid, JidError } from '@sotto/xmpp';

const accountsConfigSchema = z.object({
  ...commonConfig,
  XMPP_DOMAIN: commonConfig.XMPP_DOMAIN.refine(isDomain, 'expected a domain name or IP literal'),
  ACCOUNTS_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_accounts@127.0.0.1:5432/sotto_accounts'),
  // RFC 7677 asks for at least 4096 PBKDF2 iterations.
  SCRAM_ITERATIONS: intVar(10000, 4096),
  // Seeds the decoy credentials of unknown users. Unset, each process draws its own, so the decoy
  // salt of a missing user changes across restarts and replicas while a real salt never does:
  // a prober asking twice could tell. Set one shared, stable secret in production.
  SCRAM_DECOY_SECRET: z.string().min(16).optional(),
});

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;

/** Injection token of the service's `AccountsConfig`. */
export const ACCOUNTS_CONFIG = Symbol('AccountsConfig');

export function loadAccountsConfig(env: NodeJS.ProcessEnv = process.env): AccountsConfig {
  return loadConfig(accountsConfigSchema, env);
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
