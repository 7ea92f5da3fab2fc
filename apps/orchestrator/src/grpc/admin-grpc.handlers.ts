import type {
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
  ServerWritableStream,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { z } from 'zod';
import type { AdminService } from '../admin/admin.service';
import type { BearerTokenCheck } from './admin-grpc.auth';
import { GrpcRequestError, toGrpcStatus, type GrpcErrorStatus } from './admin-grpc.errors';
import { toJobMessage } from './admin-grpc.messages';
import { adminGrpcRequests as requests, parseRequest } from './admin-grpc.requests';
import { streamArchive, streamJobUpdates } from './admin-grpc.streams';

/** What the gRPC API needs of the admin core. */
export type AdminFacade = Pick<
  AdminService,
  | 'register'
  | 'registerIdentified'
  | 'startExport'
  | 'startErasure'
  | 'getJob'
  | 'listJobs'
  | 'watchJob'
  | 'openArchive'
>;

export interface ErrorLog {
  error(message: string): void;
}

/** The implementation of `sotto.admin.v1.AdminService`: check the token, validate, delegate. */
export function adminGrpcHandlers(
  admin: AdminFacade,
  auth: BearerTokenCheck,
  log: ErrorLog,
): UntypedServiceImplementation {
  const { actor } = auth;

  function accept<S extends z.ZodType>(
    call: { metadata: Metadata; request: unknown },
    schema: S,
  ): z.infer<S> {
    if (!auth.accepts(call.metadata)) {
      throw new GrpcRequestError(GrpcStatus.UNAUTHENTICATED, 'missing or wrong bearer token');
    }
    return parseRequest(schema, call.request);
  }

  function failure(method: string, error: unknown): GrpcErrorStatus {
    const status = toGrpcStatus(error);
    if (status.code === GrpcStatus.INTERNAL) {
      // The caller gets no details, so the log must have what it safely can: the error's kind,
      // not its message, which (from a database driver, say) may quote a JID of the request.
      log.error(`${method} failed: ${errorKind(error)}`);
    }
    return status;
  }

  function unary<S extends z.ZodType, R>(
    method: string,
    schema: S,
    run: (request: z.infer<S>) => Promise<R>,
  ): handleUnaryCall<unknown, R> {
    return (call, callback) => {
      Promise.resolve()
        .then(() => run(accept(call, schema)))
        .then(
          (response) => callback(null, response),
          (error: unknown) => callback(failure(method, error)),
        );
    };
  }

  function serverStream<S extends z.ZodType, T>(
    method: string,
    schema: S,
    run: (request: z.infer<S>, call: ServerWritableStream<unknown, T>) => Promise<void>,
  ): handleServerStreamingCall<unknown, T> {
    return (call) => {
      Promise.resolve()
        .then(() => run(accept(call, schema), call))
        .then(
          () => {
            if (!call.cancelled) {
              call.end();
            }
          },
          // grpc-js turns an 'error' event on a server stream into the call's final status.
          (error: unknown) => call.emit('error', failure(method, error)),
        );
    };
  }

  return {
    Register: unary('Register', requests.register, (request) => admin.register(request, actor)),
    RegisterIdentified: unary(
      'RegisterIdentified',
      requests.registerIdentified,
      ({ jid, password }) => admin.registerIdentified(jid, password, actor),
    ),
    RetrievePersonalData: unary('RetrievePersonalData', requests.subject, async ({ jid }) =>
      toJobMessage(await admin.startExport(jid, actor)),
    ),
    Unregister: unary('Unregister', requests.subject, async ({ jid }) =>
      toJobMessage(await admin.startErasure(jid, actor)),
    ),
    GetJob: unary('GetJob', requests.job, async ({ id }) =>
      toJobMessage(await admin.getJob(id, actor)),
    ),
    ListJobs: unary('ListJobs', requests.none, async () => ({
      jobs: (await admin.listJobs(actor)).map(toJobMessage),
    })),
    WatchJob: serverStream('WatchJob', requests.job, ({ id }, call) =>
      streamJobUpdates(admin.watchJob(id, actor), call),
    ),
    DownloadArchive: serverStream('DownloadArchive', requests.job, async ({ id }, call) =>
      streamArchive(await admin.openArchive(id, actor), call),
    ),
  };
}

function errorKind(error: unknown): string {
  if (!(error instanceof Error)) {
    return typeof error;
  }
  // Codes such as ECONNREFUSED or a PostgreSQL SQLSTATE say what went wrong and quote nothing.
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number'
    ? `${error.name} (${code})`
    : error.name;
}
