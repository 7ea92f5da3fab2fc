import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from './orchestrator.config';

/** Provides the loaded `OrchestratorConfig` to every module of the process (HTTP, gRPC, core). */
@Global()
@Module({})
export class OrchestratorConfigModule {
  static forRoot(config: OrchestratorConfig): DynamicModule {
    return {
      module: OrchestratorConfigModule,
      providers: [{ provide: ORCHESTRATOR_CONFIG, useValue: config }],
      exports: [ORCHESTRATOR_CONFIG],
    };
  }
}
