import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NatsModule } from '@sotto/nats';
import { AdminModule } from './admin/admin.module';
import { OrchestratorConfigModule } from './config/config.module';
import type { OrchestratorConfig } from './config/orchestrator.config';
import { dataSourceOptions } from './database/data-source';
import { GrpcModule } from './grpc/grpc.module';
import { HttpModule } from './http/http.module';

@Module({})
export class AppModule {
  /** The whole service: config, database, bus, the core (`AdminModule`) and its transports. */
  static forRoot(config: OrchestratorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        OrchestratorConfigModule.forRoot(config),
        NatsModule.forRoot({ url: config.NATS_URL, name: 'orchestrator' }),
        TypeOrmModule.forRoot(dataSourceOptions(config.ORCHESTRATOR_DATABASE_URL)),
        AdminModule,
        HttpModule,
        GrpcModule,
      ],
    };
  }
}
