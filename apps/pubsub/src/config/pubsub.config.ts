import { z } from 'zod';
import { commonConfig, intVar, loadConfig } from '@sotto/config';
import { DomainLabel } from '@sotto/contracts';
import { Jid, JidError } from '@sotto/xmpp';

const pubsubConfigSchema = z.object({
  ...commonConfig,
  XMPP_DOMAIN: commonConfig.XMPP_DOMAIN.refine(isDomain, 'expected a domain name or IP literal'),
  PUBSUB_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_pubsub@127.0.0.1:5432/sotto_pubsub'),
  /** The label of the XEP-0060 service's sub-domain: `<label>.<XMPP_DOMAIN>`. */
  PUBSUB_SUBDOMAIN: DomainLabel.default('pubsub'),
  /**
   * Most bytes of one item's payload, serialised. Larger publications are refused with
   * not-acceptable/payload-too-big. The gateway's stanza limit bounds it anyway.
   */
  PUBSUB_MAX_ITEM_BYTES: intVar(131_072, 256, 1_048_576),
  /** Most items a node keeps; `pubsub#max_items` may not exceed it, and `max` means it. */
  PUBSUB_MAX_ITEMS: intVar(256, 1, 10_000),
  /**
   * Who takes over a node of the shared service whose only owner is erased while others still
   * use it: a bare JID, or empty for nobody (the node stays, owned by the service alone).
   */
  PUBSUB_ORPHAN_OWNER: z
    .string()
    .default('')
    .refine((value) => value === '' || isBareAccount(value), 'expected a bare JID or nothing'),
});

export type PubsubConfig = z.infer<typeof pubsubConfigSchema>;

/** Injection token of the service's `PubsubConfig`. */
export const PUBSUB_CONFIG = Symbol('PubsubConfig');

export function loadPubsubConfig(env: NodeJS.ProcessEnv = process.env): PubsubConfig {
  return loadConfig(pubsubConfigSchema, env);
}

function isDomain(value: string): boolean {
  return parsesAs(value, (jid) => jid.local === undefined && jid.isBare());
}

function isBareAccount(value: string): boolean {
  return parsesAs(value, (jid) => jid.local !== undefined && jid.isBare());
}

function parsesAs(value: string, test: (jid: Jid) => boolean): boolean {
  try {
    return test(Jid.parse(value));
  } catch (error) {
    if (error instanceof JidError) {
      return false;
    }
    throw error;
  }
}
