import { Injectable } from '@nestjs/common';
import { ServiceName, type DatasetDescription } from '@sotto/contracts';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import { GdprBus } from '../bus/gdpr-bus';
import { RegistryRepository } from './registry.repository';

export interface RegisteredService {
  service: string;
  datasets: DatasetDescription[];
  firstAnnouncedAt: string;
  lastAnnouncedAt: string;
}

/** The registry as operators see it: which services every job waits for. */
@Injectable()
export class RegistryService {
  constructor(
    private readonly repository: RegistryRepository,
    private readonly bus: GdprBus,
  ) {}

  async list(): Promise<RegisteredService[]> {
    return (await this.repository.list()).map((entity) => ({
      service: entity.service,
      datasets: entity.datasets,
      firstAnnouncedAt: entity.firstAnnouncedAt.toISOString(),
      lastAnnouncedAt: entity.lastAnnouncedAt.toISOString(),
    }));
  }

  async decommission(service: string): Promise<void> {
    if (!ServiceName.safeParse(service).success) {
      throw new AdminException(AdminErrorCode.Invalid, 'not a service name');
    }
    // The announcement goes first: were the row deleted first, a replay could bring it back.
    await this.bus.purgeAnnouncement(service);
    if (!(await this.repository.remove(service))) {
      throw new AdminException(AdminErrorCode.NotFound, 'no such service is registered');
    }
  }
}
