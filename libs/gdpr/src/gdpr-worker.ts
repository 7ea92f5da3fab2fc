import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { GDPR_JOBS_STREAM, GdprAnnouncement, gdprSubjects } from '@sotto/contracts';
import { processLogStore, type LogStore } from '@sotto/logging';
import { encodeJson, NatsClient } from '@sotto/nats';
import type { GdprDataProvider } from './gdpr-data-provider';
import { ExportObjects } from './export-objects';
import { ensureGdprExportsBucket } from './gdpr-exports-bucket';
import { GdprJobRunner } from './gdpr-job-runner';
import { ensureGdprStreams } from './gdpr-streams';
import {
  GDPR_DATA_PROVIDER,
  GDPR_LOG_STORE,
  GDPR_WORKER_OPTIONS,
  type GdprWorkerOptions,
} from './gdpr-worker.options';
import { backoffMs, errorName, retry, sleep } from './retry';

const NANOS_PER_MS = 1_000_000;
// The server hands out at most this many unacknowledged requests; each runs as it arrives.
const MAX_IN_FLIGHT = 4;
const ACK_WAIT_MS = 60_000;
// How long a shutdown waits for requests in progress; unfinished ones are redelivered later.
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * A service's side of the GDPR contract: announces its datasets, then consumes its durable
 * request consumer `gdpr-<service>` and answers each request through the provider. Everything
 * retries in the background, so a JetStream that is briefly unavailable never blocks the start.
 */
@Injectable()
export class GdprWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly js: JetStreamClient;
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly consuming: Promise<void>;
  private markConsuming!: () => void;
  private messages: ConsumerMessages | undefined;
  private running: Promise<void> | undefined;
  private readonly logs: LogStore | undefined;

  /**
   * `logs`: the service's log files, searched on collect and cleaned on forget; by default those
   * this process writes (`createServiceLogger`), none when it keeps no log files; null for none.
   */
  constructor(
    @Inject(NatsClient) private readonly nats: Pick<NatsClient, 'connection'>,
    @Inject(GDPR_WORKER_OPTIONS) private readonly options: GdprWorkerOptions,
    @Inject(GDPR_DATA_PROVIDER) private readonly provider: GdprDataProvider,
    @Optional() @Inject(GDPR_LOG_STORE) logs?: LogStore | null,
  ) {
    this.logs = logs === undefined ? processLogStore() : (logs ?? undefined);
    // Checked at construction: a bad declaration is a programming error, found at start.
    GdprAnnouncement.parse({ ...options, announcedAt: 0 });
    if (new Set(options.datasets.map((d) => d.name)).size !== options.datasets.length) {
      throw new Error(`${options.service} declares a dataset twice`);
    }
    this.logger = new Logger(`gdpr:${options.service}`);
    this.js = jetstream(nats.connection);
    this.consuming = new Promise((resolve) => (this.markConsuming = resolve));
  }

  get consumerName(): string {
    return `gdpr-${this.options.service}`;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  // Before the NATS connection drains (in `onApplicationShutdown`), so in-flight requests can ack.
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts in the background and returns at once; `consumingStarted()` tells when it consumes. */
  start(): void {
    this.running ??= this.run();
  }

  /** Resolves once the consumer exists and is being consumed (for tests and health checks). */
  consumingStarted(): Promise<void> {
    return this.consuming;
  }

  /** Stops consuming and waits (briefly) for the requests in progress to finish. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.messages?.close();
    await this.running;
    await Promise.race([Promise.allSettled(this.inFlight), sleep(SHUTDOWN_GRACE_MS)]);
  }

  private async run(): Promise<void> {
    const store = await retry(
      () => this.setUp(),
      this.stopping.signal,
      (error) =>
        this.logger.warn(`could not set up the GDPR streams (${errorName(error)}); retrying`),
    );
    if (!store) {
      return;
    }
    await Promise.all([
      this.announce(),
      this.consume(new GdprJobRunner(this.js, store, this.options, this.provider, this.logs)),
    ]);
  }

  private async setUp(): Promise<ExportObjects> {
    await ensureGdprStreams(this.nats.connection);
    await ensureGdprExportsBucket(this.nats.connection);
    // Writes the bucket's objects faster than the library's own `put` (see ExportObjects).
    return new ExportObjects(this.nats.connection);
  }

  /** Tells the orchestrator, at every start, that this service holds personal data and which. */
  private async announce(): Promise<void> {
    const announcement = GdprAnnouncement.parse({
      service: this.options.service,
      datasets: this.options.datasets,
      announcedAt: Date.now(),
    });
    const subject = gdprSubjects.announce(this.options.service);
    await retry(
      () => this.js.publish(subject, encodeJson(announcement)),
      this.stopping.signal,
      (error) =>
        this.logger.warn(`GDPR announcement not acknowledged (${errorName(error)}); retrying`),
    );
  }

  /** Consumes until stopped; after any failure, recreates the consumer and subscribes again. */
  private async consume(runner: GdprJobRunner): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        const consumer = await this.ensureConsumer();
        const messages = await consumer.consume({ max_messages: MAX_IN_FLIGHT });
        this.messages = messages;
        if (this.stopping.signal.aborted) {
          await messages.close();
        }
        this.markConsuming();
        attempt = 0;
        this.watch(messages).catch((error: unknown) => {
          this.logger.warn(`GDPR consumer status watch failed (${errorName(error)})`);
        });
        for await (const msg of messages) {
          this.track(runner, msg);
        }
      } catch (error) {
        this.logger.warn(`GDPR consumer failed (${errorName(error)}); subscribing again`);
      }
      await sleep(backoffMs(attempt), this.stopping.signal);
    }
  }

  private async ensureConsumer(): Promise<Consumer> {
    const jsm = await this.js.jetstreamManager();
    const settings = {
      filter_subject: gdprSubjects.request(this.options.service),
      ack_wait: ACK_WAIT_MS * NANOS_PER_MS,
      max_ack_pending: MAX_IN_FLIGHT,
    };
    try {
      await jsm.consumers.add(GDPR_JOBS_STREAM, {
        durable_name: this.consumerName,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...settings,
      });
    } catch (error) {
      // It exists with other settings (an older version of this worker): bring it up to date.
      if (!(error instanceof JetStreamApiError)) {
        throw error;
      }
      await jsm.consumers.update(GDPR_JOBS_STREAM, this.consumerName, settings);
    }
    return this.js.consumers.get(GDPR_JOBS_STREAM, this.consumerName);
  }

  // The client keeps pulling from a deleted consumer for ever; closing makes `consume` recreate it.
  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found') {
        this.logger.warn(`GDPR consumer ${this.consumerName} is gone; recreating it`);
        await messages.close();
        return;
      }
    }
  }

  private track(runner: GdprJobRunner, msg: JsMsg): void {
    const work = runner
      .handle(msg)
      .catch((error: unknown) => {
        // The ack or nak itself failed (connection closed): the server redelivers after ack_wait.
        this.logger.error(`GDPR request not settled (${errorName(error)})`);
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }
}
