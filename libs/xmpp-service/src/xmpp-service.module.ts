import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ServiceFeatures } from '@sotto/contracts';
import { NatsClient } from '@sotto/nats';
import type { IqHandler } from './iq-handler';
import { IqServer } from './iq-server';
import { StanzaSender } from './stanza-sender';

export interface XmppServiceOptions extends Omit<ServiceFeatures, 'iqNamespaces'> {
  domain: string;
  handlers: Type<IqHandler>[];
}

const OPTIONS = Symbol('XMPP_SERVICE_OPTIONS');

@Injectable()
class IqServerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: IqServer;

  constructor(
    private readonly nats: NatsClient,
    private readonly moduleRef: ModuleRef,
    @Inject(OPTIONS) private readonly options: XmppServiceOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const handlers = this.options.handlers.map((type) =>
      this.moduleRef.get(type, { strict: false }),
    );
    const { domain, serverFeatures, accountFeatures, service } = this.options;
    const features = { service, serverFeatures, accountFeatures };
    this.server = new IqServer(
      this.nats,
      { ...features, iqNamespaces: handlers.map((h) => h.namespace) },
      handlers,
      domain,
    );
    await this.server.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.stop();
  }
}

/** Makes a Nest app an XMPP feature service: its IQ handlers served, its features published. */
@Module({})
export class XmppServiceModule {
  static forService(options: XmppServiceOptions): DynamicModule {
    return {
      module: XmppServiceModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: StanzaSender,
          useFactory: (nats: NatsClient) => new StanzaSender(nats),
          inject: [NatsClient],
        },
        IqServerLifecycle,
      ],
      exports: [StanzaSender],
    };
  }
}
