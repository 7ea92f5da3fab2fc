import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { MESSAGES_STREAM, messageSubjects } from '@sotto/contracts';

/** The inbox's durable consumer of accepted messages. */
export const INBOX_CONSUMER = 'inbox';
export const ACK_WAIT_MS = 30_000;
const NANOS_PER_MS = 1_000_000;

/**
 * Makes the durable consumer ready for a new lease holder.
 * Messages handed out before (to a replica that died, or buffered by a client that stopped)
 * wait `ack_wait` before they are redelivered, after newer ones; applying those newer ones
 * first would break the order entries depend on. So when some are outstanding, the consumer is
 * re-created to start at its ack floor: everything unacknowledged comes again, in order.
 */
export async function prepareConsumer(
  jsm: JetStreamManager,
  batchSize: number,
): Promise<'created' | 'rewound' | 'kept'> {
  const settings: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    filter_subject: messageSubjects.accepted,
    ack_wait: ACK_WAIT_MS * NANOS_PER_MS,
    // Above one batch, so a batch never waits for acknowledgements of itself.
    max_ack_pending: batchSize * 2,
  };
  const info = await consumerInfo(jsm);
  if (info === undefined) {
    await jsm.consumers.add(MESSAGES_STREAM, {
      durable_name: INBOX_CONSUMER,
      deliver_policy: DeliverPolicy.All,
      ...settings,
    });
    return 'created';
  }
  if (info.num_ack_pending > 0) {
    await jsm.consumers.delete(MESSAGES_STREAM, INBOX_CONSUMER);
    await jsm.consumers.add(MESSAGES_STREAM, {
      durable_name: INBOX_CONSUMER,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: info.ack_floor.stream_seq + 1,
      ...settings,
    });
    return 'rewound';
  }
  await jsm.consumers.update(MESSAGES_STREAM, INBOX_CONSUMER, {
    ack_wait: settings.ack_wait,
    max_ack_pending: settings.max_ack_pending,
  });
  return 'kept';
}

/** The consumer's state, or undefined when it does not exist. */
export async function consumerInfo(jsm: JetStreamManager): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(MESSAGES_STREAM, INBOX_CONSUMER);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) {
      return undefined;
    }
    throw error;
  }
}
