import { Module, type DynamicModule } from '@nestjs/common';
import { NatsClient, type NatsClientOptions } from './nats-client';

@Module({})
export class NatsModule {
  /** Provides the process's connected `NatsClient`; the app waits for the connection at start. */
  static forRoot(options: NatsClientOptions): DynamicModule {
    return {
      module: NatsModule,
      global: true,
      providers: [{ provide: NatsClient, useFactory: () => NatsClient.connect(options) }],
      exports: [NatsClient],
    };
  }
}
