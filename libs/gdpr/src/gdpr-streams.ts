import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  GDPR_ANNOUNCE_STREAM,
  GDPR_JOBS_MAX_AGE_MS,
  GDPR_JOBS_STREAM,
  gdprSubjects,
} from '@sotto/contracts';

const NANOS_PER_MS = 1_000_000;

/**
 * Creates the GDPR streams when they do not exist. Both sides call it at start, so neither the
 * orchestrator nor a service has to be first.
 */
export async function ensureGdprStreams(nc: NatsConnection): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, GDPR_ANNOUNCE_STREAM, {
    subjects: [gdprSubjects.announceAll],
    // The latest announcement of each service is kept for ever: the registry can be rebuilt.
    max_msgs_per_subject: 1,
  });
  await ensureStream(jsm, GDPR_JOBS_STREAM, {
    subjects: [gdprSubjects.requestAll, gdprSubjects.resultAll],
    max_age: GDPR_JOBS_MAX_AGE_MS * NANOS_PER_MS,
  });
  return jsm;
}

async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  config: { subjects: string[]; max_msgs_per_subject?: number; max_age?: number },
): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    try {
      await jsm.streams.add({ name, ...config });
    } catch (error) {
      // Another process created it between our two calls.
      await jsm.streams.info(name).catch(() => {
        throw error;
      });
    }
  }
}
