import type { ChildProcess } from 'node:child_process';
import { startService, stopProcess, waitForPort } from './processes';

export interface GatewayEndpoints {
  name: string;
  ws: string;
  tcpPort: number;
}

/** Settings shared by every gateway the tests start: fast failure detection, small limits. */
export const testGatewayEnv = {
  XMPP_DOMAIN: 'localhost',
  TLS_DIR: '.sotto/e2e-tls',
  HEARTBEAT_INTERVAL_MS: '500',
  GATEWAY_DEAD_AFTER_MS: '2000',
  LOG_LEVEL: 'warning',
};

export async function startGateway(
  name: string,
  wsPort: number,
  tcpPort: number,
): Promise<{
  endpoints: GatewayEndpoints;
  process: ChildProcess;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}> {
  const child = startService('gateway', name, {
    ...testGatewayEnv,
    WS_PORT: String(wsPort),
    C2S_PORT: String(tcpPort),
  });
  await Promise.all([waitForPort(wsPort), waitForPort(tcpPort)]);
  return {
    endpoints: { name, ws: `ws://127.0.0.1:${wsPort}/ws-xmpp`, tcpPort },
    process: child,
    stop: (signal) => stopProcess(child, signal),
  };
}
