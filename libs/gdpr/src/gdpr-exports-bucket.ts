import type { NatsConnection } from '@nats-io/transport-node';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { GDPR_EXPORTS_BUCKET } from '@sotto/contracts';

/** Collected personal data never lingers: each object expires a day after it is written. */
export const GDPR_EXPORTS_TTL_MS = 24 * 3600 * 1000;

const NANOS_PER_MS = 1_000_000;

/**
 * Creates (or opens) the bucket where services put collected rows. Services and the orchestrator
 * both call it, so the bucket has the same TTL whoever is first.
 */
export function ensureGdprExportsBucket(nc: NatsConnection): Promise<ObjectStore> {
  return new Objm(nc).create(GDPR_EXPORTS_BUCKET, { ttl: GDPR_EXPORTS_TTL_MS * NANOS_PER_MS });
}
