import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { GdprAnnouncement } from '@sotto/contracts';
import { GdprServiceEntity } from './gdpr-service.entity';

/** The persisted registry of services that hold personal data. */
@Injectable()
export class RegistryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records an announcement; an older one (redelivered, or out of order) changes nothing. */
  async record(announcement: GdprAnnouncement): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO gdpr_services AS s (service, datasets, first_announced_at, last_announced_at)
       VALUES ($1, $2::jsonb, $3, $3)
       ON CONFLICT (service) DO UPDATE
         SET datasets = EXCLUDED.datasets, last_announced_at = EXCLUDED.last_announced_at
         WHERE s.last_announced_at <= EXCLUDED.last_announced_at`,
      [
        announcement.service,
        JSON.stringify(announcement.datasets),
        new Date(announcement.announcedAt),
      ],
    );
  }

  /** Every service that ever announced itself, by name. */
  list(): Promise<GdprServiceEntity[]> {
    return this.dataSource.getRepository(GdprServiceEntity).find({ order: { service: 'ASC' } });
  }

  /** Forgets a decommissioned service; true when it was registered. */
  async remove(service: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(GdprServiceEntity).delete({ service });
    return (result.affected ?? 0) > 0;
  }

  find(services: string[]): Promise<GdprServiceEntity[]> {
    return this.dataSource
      .getRepository(GdprServiceEntity)
      .createQueryBuilder('s')
      .where('s.service = ANY(:services)', { services })
      .getMany();
  }
}
