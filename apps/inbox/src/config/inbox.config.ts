import { z } from 'zod';
import { commonConfig, intVar, loadConfig } from '@sotto/config';

// XEP-0333 markers; MongooseIM's `reset_markers` option, under the same names.
const MARKERS = ['received', 'displayed', 'acknowledged'] as const;
export type ResetMarker = (typeof MARKERS)[number];

const inboxConfigSchema = z.object({
  ...commonConfig,
  INBOX_DATABASE_URL: z
    .string()
    .min(1)
    .default('postgres://sotto_inbox@127.0.0.1:5432/sotto_inbox'),
  // Accepted messages applied in one transaction (one upsert). Larger batches catch up faster
  // after downtime; each batch holds its rows locked while it runs.
  INBOX_BATCH_SIZE: intVar(500, 1, 5000),
  // Most conversations one query returns (RSM `max` is capped at this, and it applies when the
  // client sets none). The result messages travel in one bus reply of at most 1000 stanzas.
  INBOX_MAX_RESULT_LIMIT: intVar(100, 1, 1000),
  // Which chat markers from the owner reset a conversation's unread count (comma-separated).
  INBOX_RESET_MARKERS: z
    .string()
    .default('displayed')
    .transform((value, ctx) => {
      const names = value
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      const invalid = names.filter((name) => !(MARKERS as readonly string[]).includes(name));
      if (invalid.length > 0) {
        ctx.addIssue({ code: 'custom', message: `expected some of ${MARKERS.join(', ')}` });
        return z.NEVER;
      }
      return new Set(names as ResetMarker[]);
    }),
  // Conversations moved to the bin are deleted this many days after their last message.
  INBOX_BIN_TTL_DAYS: intVar(30, 0, 36_500),
});

export type InboxConfig = z.infer<typeof inboxConfigSchema>;

/** Injection token of the service's `InboxConfig`. */
export const INBOX_CONFIG = Symbol('InboxConfig');

export function loadInboxConfig(env: NodeJS.ProcessEnv = process.env): InboxConfig {
  return loadConfig(inboxConfigSchema, env);
}
