import { Logger } from '@nestjs/common';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import {
  GdprRequest,
  GdprResult,
  gdprSubjects,
  type DatasetDescription,
  type ForgottenDataset,
} from '@sotto/contracts';
import { pseudonym, type LogStore } from '@sotto/logging';
import { decodeJson, encodeJson, errorName } from '@sotto/nats';
import { collectDatasets, type ObjectWriter } from './collect-datasets';
import { collectLogLines } from './collect-logs';
import { GdprContractError } from './gdpr-contract.error';
import type { GdprDataProvider } from './gdpr-data-provider';
import type { GdprWorkerOptions } from './gdpr-worker.options';

// Below the consumer's 60 s ack_wait, so a long collect is not redelivered while it runs.
const WORKING_INTERVAL_MS = 20_000;
const NAK_DELAY_MS = 2000;

/**
 * Answers one GDPR request: runs the provider, publishes the result, and only then acks.
 *
 * Delivery is at least once (a crash or a lost ack redelivers the request), and processing a
 * request twice is harmless by construction: collect only reads and overwrites the same objects,
 * forget is idempotent (the second run deletes nothing and reports 0). The result's msgID lets
 * JetStream drop the copy published by a redelivery of the same request message.
 */
export class GdprJobRunner {
  private readonly logger: Logger;

  constructor(
    private readonly js: JetStreamClient,
    private readonly store: ObjectWriter,
    private readonly options: GdprWorkerOptions,
    private readonly provider: GdprDataProvider,
    private readonly logs?: Pick<LogStore, 'linesContaining' | 'removeLinesContaining'>,
  ) {
    this.logger = new Logger(`gdpr:${options.service}`);
  }

  async handle(msg: JsMsg): Promise<void> {
    const parsed = GdprRequest.safeParse(decodeJson(msg.data));
    if (!parsed.success) {
      // Redelivering it would fail the same way for ever.
      msg.term();
      this.logger.warn(`terminated an invalid GDPR request (stream sequence ${msg.seq})`);
      return;
    }
    const request = parsed.data;
    const heartbeat = setInterval(() => msg.working(), WORKING_INTERVAL_MS);
    try {
      const result = GdprResult.parse(await this.run(request));
      await this.js.publish(gdprSubjects.result(this.options.service), encodeJson(result), {
        // The request's stream sequence is part of the id: a redelivery of the same message
        // dedupes, while a request published again on purpose is answered again.
        msgID: `${request.jobId}.${this.options.service}.${request.kind}.${msg.seq}`,
      });
      msg.ack();
    } catch (error) {
      msg.nak(NAK_DELAY_MS);
      this.logger.error(
        `GDPR ${request.kind} of job ${request.jobId} failed: ${describe(error)}; retrying`,
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async run(request: GdprRequest): Promise<GdprResult> {
    const { jobId, subject } = request;
    const service = this.options.service;
    switch (request.kind) {
      case 'collect': {
        const pages = this.provider.collect(subject);
        const target = { jobId, service, datasets: this.options.datasets };
        const datasets = await collectDatasets(this.store, target, pages);
        if (!this.logs) {
          return { kind: 'collect', jobId, service, datasets };
        }
        // Lines about a user name them by the pseudonym of their bare JID (see `pseudonym`).
        const logs = await collectLogLines(this.store, this.logs, target, pseudonym(subject));
        return { kind: 'collect', jobId, service, datasets, logs };
      }
      case 'forget': {
        const datasets = await this.provider.forget(subject);
        checkDeclared(service, this.options.datasets, datasets);
        // After the provider, so the lines it logged while forgetting go too. Not a dataset of
        // the report: the service's log files are not data it holds for the subject, and every
        // service removes the subject's lines the same way (docs/architecture.md, GDPR jobs).
        if (this.logs) {
          const removed = await this.logs.removeLinesContaining(pseudonym(subject));
          if (removed > 0) {
            this.logger.log(`GDPR forget of job ${jobId}: ${removed} log line(s) removed`);
          }
        }
        return { kind: 'forget', jobId, service, datasets };
      }
    }
  }
}

function checkDeclared(
  service: string,
  declared: readonly DatasetDescription[],
  forgotten: readonly ForgottenDataset[],
): void {
  for (const { name } of forgotten) {
    if (!declared.some((d) => d.name === name)) {
      throw new GdprContractError(`${service} reported the undeclared dataset ${name}`);
    }
  }
}

// A contract error names datasets only; any other error shows its type alone (see errorName).
function describe(error: unknown): string {
  return error instanceof GdprContractError ? `${error.name}: ${error.message}` : errorName(error);
}
