import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { NatsClient } from './nats-client';
import { DurableConsumer, MessageBatches } from './durable-consumer';
import { ensureStream } from './streams';

// Against the real NATS: a stream of its own per run, deleted after.
const stream = `T_CONSUMER_${randomBytes(4).toString('hex').toUpperCase()}`;
const subject = `t.${stream.toLowerCase()}`;
const quiet = { warn: () => undefined };

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (!check()) {
    throw new Error(`never: ${what}`);
  }
}

describe('DurableConsumer and MessageBatches', () => {
  let nats: NatsClient;

  beforeAll(async () => {
    nats = await NatsClient.connect({
      url: 'nats://127.0.0.1:4222',
      name: 'durable-consumer-spec',
    });
    await ensureStream(nats.connection, { name: stream, subjects: [`${subject}.>`] });
  });

  afterAll(async () => {
    const jsm = await jetstreamManager(nats.connection);
    await jsm.streams.delete(stream).catch(() => undefined);
    await nats.connection.drain();
  });

  /** Publishes `<tag><from>` … `<tag><from + count - 1>`. */
  const publish = async (tag: string, count: number, from = 0) => {
    const js = jetstream(nats.connection);
    for (let i = from; i < from + count; i++) {
      await js.publish(`${subject}.${tag}`, `${tag}${i}`);
    }
  };

  function consumer(durable: string, tag: string, take: (msg: JsMsg) => void) {
    return new DurableConsumer(
      nats.connection,
      {
        stream,
        durable,
        filterSubject: `${subject}.${tag}`,
        ackWaitMs: 1000,
        maxAckPending: 100,
        pullAhead: 20,
        label: `${durable} consumer`,
      },
      take,
      quiet,
    );
  }

  it('hands over what was sent before it started, in batches and in order, once acknowledged', async () => {
    await publish('a', 50);
    const batches: string[][] = [];
    const sizes: number[] = [];
    const batching = new MessageBatches(
      8,
      async (batch) => {
        sizes.push(batch.length);
        batches.push(batch.map((msg) => msg.string()));
        batch.forEach((msg) => msg.ack());
      },
      (error) => {
        throw error;
      },
    );
    const sut = consumer('spec-a', 'a', (msg) => batching.add(msg));
    sut.start();
    await sut.subscribed();
    await eventually(() => batches.flat().length === 50, 'every message handled');
    await sut.stop();
    await batching.close();
    expect(batches.flat()).toEqual(Array.from({ length: 50 }, (_, i) => `a${i}`));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8);

    // Acknowledged: a new subscription of the same durable consumer gets only what came after.
    await publish('a', 1, 50);
    const later: string[] = [];
    const again = consumer('spec-a', 'a', (msg) => {
      later.push(msg.string());
      msg.ack();
    });
    again.start();
    await eventually(() => later.length === 1, 'the later message');
    await again.stop();
    expect(later).toEqual(['a50']);
  });

  it('gets a failed batch again, and recreates a consumer deleted under it', async () => {
    await publish('b', 3);
    let failures = 1;
    const handled: string[] = [];
    const batching = new MessageBatches(
      10,
      async (batch) => {
        if (failures-- > 0) {
          throw new Error('database away');
        }
        handled.push(...batch.map((msg) => msg.string()));
        batch.forEach((msg) => msg.ack());
      },
      () => undefined,
    );
    const sut = consumer('spec-b', 'b', (msg) => batching.add(msg));
    sut.start();
    // Unacknowledged, the batch comes again after the ack wait.
    await eventually(() => handled.length === 3, 'the batch handled on its second delivery');
    expect(handled).toEqual(['b0', 'b1', 'b2']);

    const jsm = await jetstreamManager(nats.connection);
    await jsm.consumers.delete(stream, 'spec-b');
    await publish('b', 1, 3);
    // A new consumer delivers everything the stream holds: the earlier three come again too
    // (at least once: the old subscription may still hand over one of them).
    await eventually(() => handled.includes('b3'), 'the message after the deletion');
    await sut.stop();
    await batching.close();
    expect(new Set(handled.slice(3))).toEqual(new Set(['b0', 'b1', 'b2', 'b3']));
  }, 20_000);

  it('when closed, finishes the batch in progress and handles no other; the rest comes again', async () => {
    await publish('c', 5);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const batching = new MessageBatches(
      1,
      async (batch) => {
        await held;
        handled.push(...batch.map((msg) => msg.string()));
        batch.forEach((msg) => msg.ack());
      },
      () => undefined,
    );
    let taken = 0;
    const sut = consumer('spec-c', 'c', (msg) => {
      taken++;
      batching.add(msg);
    });
    sut.start();
    await eventually(() => taken === 5, 'all five taken');
    await sut.stop();
    const closed = batching.close();
    release();
    await closed;
    expect(handled).toEqual(['c0']);
    // Nothing taken and not handled is lost: a later subscription gets the other four.
    const again = new Set<string>();
    const next = consumer('spec-c', 'c', (msg) => {
      again.add(msg.string());
      msg.ack();
    });
    next.start();
    await eventually(() => again.size === 4, 'the four not handled');
    await next.stop();
    expect(again).toEqual(new Set(['c1', 'c2', 'c3', 'c4']));
  }, 20_000);
});
