import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type Server } from 'node:net';
import { createSecureContext } from 'node:tls';
import { C2SConnection } from '../c2s/c2s-connection';
import { C2SDependencies } from '../c2s/c2s-dependencies';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { loadOrCreateCertificate } from '../tls/certificate';
import { TcpTransport } from './tcp-transport';
import { connectionRateLimiter, xmlLimits } from './xml-limits';

/** RFC 6120 client-to-server listener (port 5222), STARTTLS required before SASL. */
@Injectable()
export class TcpListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly deps: C2SDependencies,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.C2S_PORT === 0) {
      return;
    }
    const material = await loadOrCreateCertificate({
      certFile: this.config.TLS_CERT_FILE,
      keyFile: this.config.TLS_KEY_FILE,
      dir: this.config.TLS_DIR,
      domain: this.config.XMPP_DOMAIN,
    });
    const secureContext = createSecureContext({ ...material, minVersion: 'TLSv1.2' });
    const limits = xmlLimits(this.config);
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      new C2SConnection(
        new TcpTransport(socket, limits, connectionRateLimiter(this.config), secureContext),
        this.deps,
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.C2S_PORT, this.config.GATEWAY_HOST, resolve);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
