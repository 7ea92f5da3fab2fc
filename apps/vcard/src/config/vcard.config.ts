import { z } from 'zod';
import { commonConfig, intVar, loadConfig } from '@sotto/config';

const vcardConfigSchema = z.object({
  ...commonConfig,
  VCARD_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_vcard@127.0.0.1:5432/sotto_vcard'),
  // Most bytes of one serialised vCard. A photo is most of a vCard's weight; clients that want
  // large avatars use XEP-0084 instead. At most what the bus carries for one IQ.
  VCARD_MAX_BYTES: intVar(65536, 256, 1_048_576),
});

export type VcardConfig = z.infer<typeof vcardConfigSchema>;

/** Injection token of the service's `VcardConfig`. */
export const VCARD_CONFIG = Symbol('VcardConfig');

export function loadVcardConfig(env: NodeJS.ProcessEnv = process.env): VcardConfig {
  return loadConfig(vcardConfigSchema, env);
}
