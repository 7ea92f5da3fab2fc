import { Server, ServerCredentials } from '@grpc/grpc-js';
import { BearerTokenCheck } from './admin-grpc.auth';
import { adminGrpcHandlers, type AdminFacade, type ErrorLog } from './admin-grpc.handlers';
import { loadAdminServiceDefinition } from './admin-proto';

export interface AdminGrpcListenOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  token: string;
  log: ErrorLog;
  /** How long a shutdown waits for calls in flight (a WatchJob can last long) before cutting them. */
  shutdownGraceMs?: number;
}

export interface RunningAdminGrpc {
  /** The port actually bound. */
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `sotto.admin.v1.AdminService` on host:port. */
export async function listenAdminGrpc(
  admin: AdminFacade,
  options: AdminGrpcListenOptions,
): Promise<RunningAdminGrpc> {
  const server = new Server();
  server.addService(
    loadAdminServiceDefinition(),
    adminGrpcHandlers(admin, new BearerTokenCheck(options.token), options.log),
  );
  // Plain HTTP/2, like the HTTP API: the default address is loopback; expose it through TLS
  // termination.
  const address = `${bracketIpv6(options.host)}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) =>
      error
        ? reject(new Error(`gRPC cannot listen on ${address}: ${error.message}`))
        : resolve(bound),
    );
  }).catch((error: unknown) => {
    server.forceShutdown();
    throw error;
  });
  return { port, close: () => shutdown(server, options.shutdownGraceMs ?? 5000) };
}

function shutdown(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.forceShutdown(), graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

function bracketIpv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
