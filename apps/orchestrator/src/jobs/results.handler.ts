import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { GDPR_JOBS_STREAM, GdprResult, gdprSubjects } from '@sotto/contracts';
import { decodeJson } from '@sotto/nats';
import { GdprBus } from '../bus/gdpr-bus';
import { JobsService } from './jobs.service';

/** Takes the services' answers from the durable consumer; each is acked once it is stored. */
@Injectable()
export class ResultsHandler implements OnApplicationBootstrap {
  private readonly logger = new Logger('results');

  constructor(
    private readonly bus: GdprBus,
    private readonly jobs: JobsService,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.consume(
      {
        stream: GDPR_JOBS_STREAM,
        durable: 'orchestrator-results',
        filterSubject: gdprSubjects.resultAll,
        maxInFlight: 16,
      },
      (msg) => this.handle(msg),
    );
  }

  private async handle(msg: JsMsg): Promise<void> {
    const parsed = GdprResult.safeParse(decodeJson(msg.data));
    if (!parsed.success || msg.subject !== gdprSubjects.result(parsed.data.service)) {
      // Redelivering a malformed result would fail the same way for ever.
      this.logger.warn(`dropped an invalid result on ${msg.subject}`);
      msg.term('invalid result');
      return;
    }
    const outcome = await this.jobs.handleResult(parsed.data);
    msg.ack();
    if (outcome !== 'applied') {
      this.logger.debug(
        `result of ${parsed.data.service} for job ${parsed.data.jobId}: ${outcome}`,
      );
    }
  }
}
