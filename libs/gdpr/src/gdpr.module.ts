import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import type { DatasetDescription } from '@sotto/contracts';
import type { GdprDataProvider } from './gdpr-data-provider';
import { GdprWorker } from './gdpr-worker';
import { GDPR_DATA_PROVIDER, GDPR_WORKER_OPTIONS } from './gdpr-worker.options';

export interface GdprServiceOptions {
  service: string;
  datasets: DatasetDescription[];
  provider: Type<GdprDataProvider>;
  /**
   * Modules exporting what the provider's constructor needs. Global providers (`NatsClient`,
   * TypeORM's `DataSource`) need none; the service's own repositories do, since this module
   * cannot see the providers of the module that imports it.
   */
  imports?: ModuleMetadata['imports'];
}

@Module({})
export class GdprModule {
  /** Registers the service's provider and the worker that answers GDPR requests with it. */
  static forService(options: GdprServiceOptions): DynamicModule {
    const { service, datasets, provider, imports = [] } = options;
    return {
      module: GdprModule,
      imports,
      providers: [
        provider,
        { provide: GDPR_DATA_PROVIDER, useExisting: provider },
        { provide: GDPR_WORKER_OPTIONS, useValue: { service, datasets } },
        GdprWorker,
      ],
      exports: [GdprWorker],
    };
  }
}
