import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { GDPR_ANNOUNCE_STREAM, GdprAnnouncement, gdprSubjects } from '@sotto/contracts';
import { decodeJson } from '@sotto/nats';
import { GdprBus } from '../bus/gdpr-bus';
import { RegistryRepository } from './registry.repository';

/** Persists every announcement; a service that registered once stays registered until decommissioned. */
@Injectable()
export class AnnounceHandler implements OnApplicationBootstrap {
  private readonly logger = new Logger('registry');

  constructor(
    private readonly bus: GdprBus,
    private readonly registry: RegistryRepository,
  ) {}

  onApplicationBootstrap(): void {
    // Replayed from the start at every boot (the stream keeps each service's last
    // announcement): the registry is rebuilt even if this database is new.
    this.bus.follow(GDPR_ANNOUNCE_STREAM, gdprSubjects.announceAll, (msg) => this.handle(msg));
  }

  private async handle(msg: JsMsg): Promise<void> {
    const parsed = GdprAnnouncement.safeParse(decodeJson(msg.data));
    if (!parsed.success || msg.subject !== gdprSubjects.announce(parsed.data.service)) {
      this.logger.warn(`dropped an invalid announcement on ${msg.subject}`);
      return;
    }
    await this.registry.record(parsed.data);
    this.logger.log(
      `service ${parsed.data.service} announced ${parsed.data.datasets.length} dataset(s)`,
    );
  }
}
