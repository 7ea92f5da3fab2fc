import { Global, Module } from '@nestjs/common';
import { AccountsClient } from '../accounts/accounts.client';
import { ExportArchives } from '../archive/export-archives';
import { AuditRepository } from '../audit/audit.repository';
import { GdprBus } from '../bus/gdpr-bus';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator.config';
import { GdprRequestsService } from '../jobs/gdpr-requests.service';
import { JobEvents } from '../jobs/job-events';
import { JobsRepository } from '../jobs/jobs.repository';
import { JobsService } from '../jobs/jobs.service';
import { ResultsHandler } from '../jobs/results.handler';
import { RegistrationService } from '../registration/registration.service';
import { SubjectHasher } from '../registration/subject-hash';
import { TombstonesRepository } from '../registration/tombstones.repository';
import { AnnounceHandler } from '../registry/announce.handler';
import { RegistryRepository } from '../registry/registry.repository';
import { RegistryService } from '../registry/registry.service';
import { AdminService } from './admin.service';

/**
 * The orchestrator's core behind the `AdminService` facade. Global, so that each transport
 * module (HTTP, gRPC) uses the facade without importing anything.
 */
@Global()
@Module({
  providers: [
    {
      provide: SubjectHasher,
      useFactory: (config: OrchestratorConfig) => new SubjectHasher(config.TOMBSTONE_KEY),
      inject: [ORCHESTRATOR_CONFIG],
    },
    GdprBus,
    AccountsClient,
    RegistryRepository,
    RegistryService,
    AnnounceHandler,
    TombstonesRepository,
    RegistrationService,
    JobsRepository,
    JobEvents,
    JobsService,
    ResultsHandler,
    GdprRequestsService,
    ExportArchives,
    AuditRepository,
    AdminService,
  ],
  exports: [AdminService],
})
export class AdminModule {}
