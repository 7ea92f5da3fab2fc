import { jetstreamManager, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Creates a JetStream stream unless it exists. Publishers and consumers both call it at start,
 * so none has to be first.
 */
export async function ensureStream(
  nc: NatsConnection,
  config: Partial<StreamConfig> & { name: string; subjects: string[] },
): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(config.name);
  } catch {
    try {
      await jsm.streams.add(config);
    } catch (error) {
      // Another process created it between our two calls.
      await jsm.streams.info(config.name).catch(() => {
        throw error;
      });
    }
  }
  return jsm;
}
