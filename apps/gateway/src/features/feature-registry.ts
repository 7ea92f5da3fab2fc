import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { FEATURES_BUCKET, ServiceFeatures } from '@sotto/contracts';
import { NatsClient, decodeJson } from '@sotto/nats';

/**
 * What the feature services serve, replicated from their KV bucket: which service answers which
 * IQ namespace, and the disco#info features they add to the server and to accounts.
 */
@Injectable()
export class FeatureRegistry implements OnModuleInit {
  private readonly logger = new Logger('features');
  private readonly byService = new Map<string, ServiceFeatures>();
  private byNamespace = new Map<string, string>();

  constructor(private readonly nats: NatsClient) {}

  async onModuleInit(): Promise<void> {
    const kv = await this.nats.kv(FEATURES_BUCKET, { history: 1 });
    const watch = await kv.watch({ key: '>' });
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation !== 'PUT') {
          this.byService.delete(entry.key);
        } else {
          const parsed = ServiceFeatures.safeParse(decodeJson(entry.value));
          if (!parsed.success) {
            this.logger.warn('ignored invalid service features');
            continue;
          }
          this.byService.set(parsed.data.service, parsed.data);
        }
        this.byNamespace = new Map(
          [...this.byService.values()].flatMap((s) =>
            s.iqNamespaces.map((ns) => [ns, s.service] as const),
          ),
        );
      }
    })();
  }

  /** The service answering IQs whose payload is in `namespace`, if any. */
  serviceFor(namespace: string): string | undefined {
    return this.byNamespace.get(namespace);
  }

  serverFeatures(): string[] {
    return [...this.byService.values()].flatMap((s) => s.serverFeatures);
  }

  accountFeatures(): string[] {
    return [...this.byService.values()].flatMap((s) => s.accountFeatures);
  }
}
