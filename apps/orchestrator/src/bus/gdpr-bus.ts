import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Readable } from 'node:stream';
import {
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import { GDPR_ANNOUNCE_STREAM, GdprRequest, gdprSubjects } from '@sotto/contracts';
import {
  ExportObjects,
  ensureGdprExportsBucket,
  ensureGdprStreams,
  type ChunkFollower,
  type StoredObjectInfo,
} from '@sotto/gdpr';
import { DurableConsumer, NatsClient, encodeJson } from '@sotto/nats';
import type { ChunkSource } from '../archive/export-tail';
import type { ObjectSource } from '../archive/object-source';
import { errorName } from './error-text';

/** A durable consumer of the orchestrator's: where it reads, and how many messages at once. */
export interface ConsumedStream {
  stream: string;
  durable: string;
  filterSubject: string;
  maxInFlight: number;
}

/** How long a message whose handling failed waits before it is handed out again. */
const RETRY_AFTER_MS = 1000;

/**
 * The orchestrator's JetStream side of the GDPR contract: publishing requests, durable consumers
 * for announcements and results, and the object store the services put collected rows in.
 */
@Injectable()
export class GdprBus implements OnModuleInit, OnApplicationShutdown, ObjectSource, ChunkSource {
  private readonly logger = new Logger('gdpr-bus');
  private js!: JetStreamClient;
  private jsm!: JetStreamManager;
  private objects!: ObjectStore;
  private exportObjects!: ExportObjects;
  private readonly consumers: { stop(): Promise<void> }[] = [];
  private readonly followers: { stop(): void }[] = [];
  private stopped = false;

  constructor(private readonly nats: NatsClient) {}

  async onModuleInit(): Promise<void> {
    this.jsm = await ensureGdprStreams(this.nats.connection);
    this.js = jetstream(this.nats.connection);
    // The same bucket settings as the services', whoever starts first.
    this.objects = await ensureGdprExportsBucket(this.nats.connection);
    this.exportObjects = new ExportObjects(this.nats.connection);
  }

  /** Publishes one request; the msgID makes a re-publication (e.g. after a restart) a no-op. */
  async publishRequest(service: string, request: GdprRequest): Promise<void> {
    await this.js.publish(gdprSubjects.request(service), encodeJson(GdprRequest.parse(request)), {
      msgID: `${request.jobId}.${service}`,
    });
  }

  /** Removes a service's announcement for good, so that no replay registers it again. */
  async purgeAnnouncement(service: string): Promise<void> {
    await this.jsm.streams.purge(GDPR_ANNOUNCE_STREAM, { filter: gdprSubjects.announce(service) });
  }

  /**
   * Runs the durable consumer until shutdown, handling up to `maxInFlight` messages at once; each
   * is acknowledged by `handle`, and handed back for another try when `handle` fails.
   */
  consume(options: ConsumedStream, handle: (msg: JsMsg) => Promise<void>): void {
    const inFlight = new Set<Promise<void>>();
    const consumer = new DurableConsumer(
      this.nats.connection,
      {
        stream: options.stream,
        durable: options.durable,
        filterSubject: options.filterSubject,
        // A handler that writes to the database and acks takes well under this.
        ackWaitMs: 30_000,
        maxAckPending: 1000,
        pullAhead: options.maxInFlight,
        label: `consumer ${options.durable}`,
      },
      async (msg) => {
        // A cap on work in flight: wait for a slot before taking the next message.
        while (inFlight.size >= options.maxInFlight) {
          await Promise.race(inFlight);
        }
        const work = handle(msg)
          .catch((error: unknown) => {
            this.logger.error(
              `handling a message of ${options.durable} failed: ${errorName(error)}`,
            );
            msg.nak(RETRY_AFTER_MS);
          })
          .finally(() => inFlight.delete(work));
        inFlight.add(work);
      },
      this.logger,
    );
    this.consumers.push({
      stop: async () => {
        await consumer.stop();
        await Promise.allSettled(inFlight);
      },
    });
    consumer.start();
  }

  /**
   * Reads a whole stream from its start with an ordered (non-durable) consumer, then follows it,
   * until shutdown; re-subscribes after a failure. For state rebuilt at every start.
   */
  follow(stream: string, filterSubject: string, handle: (msg: JsMsg) => Promise<void>): void {
    void (async () => {
      while (!this.stopped) {
        try {
          const consumer = await this.js.consumers.get(stream, { filter_subjects: filterSubject });
          const messages = await consumer.consume();
          this.followers.push(messages);
          for await (const msg of messages) {
            await handle(msg);
          }
        } catch (error) {
          if (!this.stopped) {
            this.logger.warn(`following ${stream} failed, again in 1 s: ${errorName(error)}`);
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }
      }
    })();
  }

  open(name: string): Promise<Readable> {
    // Not the library's `get`: ExportObjects checks the digest with node's SHA-256, an order of
    // magnitude faster on a large export. A damaged object fails the stream at its end.
    return Promise.resolve(Readable.from(this.exportObjects.read(name), { objectMode: false }));
  }

  async delete(name: string): Promise<void> {
    await this.objects.delete(name);
  }

  followChunks(prefix: string): Promise<ChunkFollower> {
    return this.exportObjects.follow(prefix);
  }

  info(name: string): Promise<StoredObjectInfo | null> {
    return this.exportObjects.info(name);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.followers.forEach((follower) => follower.stop());
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }
}
