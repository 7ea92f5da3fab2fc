import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { C2SConnection } from '../c2s/c2s-connection';
import { C2SDependencies } from '../c2s/c2s-dependencies';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { WebSocketTransport } from './websocket-transport';
import { connectionRateLimiter, xmlLimits } from './xml-limits';

/** RFC 7395 listener: `ws://host:5280/ws-xmpp`, subprotocol `xmpp`. */
@Injectable()
export class WebSocketListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private http?: Server;
  private wss?: WebSocketServer;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly deps: C2SDependencies,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.WS_PORT === 0) {
      return;
    }
    const limits = xmlLimits(this.config);
    const http = createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' }).end('XMPP over WebSocket only\n');
    });
    const wss = new WebSocketServer({
      server: http,
      path: this.config.WS_PATH,
      // Frames a little over the stanza limit still reach the parser, which answers with a
      // policy-violation stream error; far larger ones are cut by ws itself (close code 1009).
      maxPayload: this.config.MAX_STANZA_BYTES * 4,
      perMessageDeflate: false,
      // Invalid UTF-8 must become an XMPP stream error, not a bare WebSocket close.
      skipUTF8Validation: true,
      handleProtocols: (protocols) => (protocols.has('xmpp') ? 'xmpp' : false),
    });
    wss.on('connection', (socket) => {
      if (socket.protocol !== 'xmpp') {
        socket.close(1002, 'the xmpp subprotocol is required');
        return;
      }
      new C2SConnection(
        new WebSocketTransport(
          socket,
          limits,
          connectionRateLimiter(this.config),
          this.config.WS_BEHIND_TLS_PROXY,
        ),
        this.deps,
      );
    });
    this.http = http;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.config.WS_PORT, this.config.GATEWAY_HOST, resolve);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.wss?.close();
    await new Promise<void>((resolve) =>
      this.http ? this.http.close(() => resolve()) : resolve(),
    );
  }
}
