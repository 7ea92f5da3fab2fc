import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { GDPR_JOBS_STREAM, GdprAnnouncement, gdprSubjects } from '@sotto/contracts';
import { processLogStore, type LogStore } from '@sotto/logging';
import { DurableConsumer, NatsClient, encodeJson, errorName, retry, sleep } from '@sotto/nats';
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
  private readonly consumer: DurableConsumer;
  private runner: GdprJobRunner | undefined;
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
    this.consumer = new DurableConsumer(
      nats.connection,
      {
        stream: GDPR_JOBS_STREAM,
        durable: this.consumerName,
        filterSubject: gdprSubjects.request(options.service),
        ackWaitMs: ACK_WAIT_MS,
        maxAckPending: MAX_IN_FLIGHT,
        pullAhead: MAX_IN_FLIGHT,
        label: 'GDPR consumer',
      },
      (msg) => this.track(msg),
      this.logger,
    );
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
    return this.consumer.subscribed();
  }

  /** Stops consuming and waits (briefly) for the requests in progress to finish. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consumer.stop();
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
    this.runner = new GdprJobRunner(this.js, store, this.options, this.provider, this.logs);
    if (!this.stopping.signal.aborted) {
      this.consumer.start();
    }
    await this.announce();
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

  // The consumer starts only once the runner exists.
  private track(msg: JsMsg): void {
    const work = this.runner!.handle(msg)
      .catch((error: unknown) => {
        // The ack or nak itself failed (connection closed): the server redelivers after ack_wait.
        this.logger.error(`GDPR request not settled (${errorName(error)})`);
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }
}
