import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Client,
  credentials,
  Metadata,
  status as GrpcStatus,
  type ServiceError,
} from '@grpc/grpc-js';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';
import type { JobView } from '../admin/admin.service';
import type { AdminFacade } from './admin-grpc.handlers';
import { listenAdminGrpc, type RunningAdminGrpc } from './admin-grpc.listen';
import { loadAdminServiceDefinition } from './admin-proto';

const TOKEN = 'test-admin-token-0123456789abcdef';
const JOB_ID = '0b6f3f0e-7c1a-4d55-9a8e-2f4c1c1d9e01';
const service = loadAdminServiceDefinition();

function job(overrides: Partial<JobView> = {}): JobView {
  return {
    id: JOB_ID,
    kind: 'export',
    status: 'running',
    services: {
      accounts: { status: 'pending', records: 0, waitingSince: '2025-01-01T00:00:00.000Z' },
    },
    createdAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

function fakeAdmin(overrides: Partial<AdminFacade>): AdminFacade {
  const unexpected = (): never => {
    throw new Error('unexpected call');
  };
  return {
    register: unexpected,
    registerIdentified: unexpected,
    startExport: unexpected,
    startErasure: unexpected,
    getJob: unexpected,
    listJobs: unexpected,
    watchJob: unexpected,
    openArchive: unexpected,
    ...overrides,
  };
}

let server: RunningAdminGrpc | undefined;
let client: Client | undefined;
const log = { error: vi.fn() };

async function start(admin: AdminFacade, shutdownGraceMs?: number): Promise<Client> {
  server = await listenAdminGrpc(admin, {
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    log,
    shutdownGraceMs,
  });
  client = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
  return client;
}

afterEach(async () => {
  client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
  log.error.mockReset();
});

function metadata(token: string | null): Metadata {
  const result = new Metadata();
  if (token !== null) {
    result.set('authorization', `Bearer ${token}`);
  }
  return result;
}

function unary<T>(method: string, request: object, token: string | null = TOKEN): Promise<T> {
  const { path, requestSerialize, responseDeserialize } = service[method];
  return new Promise((resolve, reject) => {
    client!.makeUnaryRequest(
      path,
      requestSerialize,
      responseDeserialize,
      request,
      metadata(token),
      (error, value) => (error ? reject(error) : resolve(value as T)),
    );
  });
}

function serverStream<T>(method: string, request: object): Promise<T[]> {
  const { path, requestSerialize, responseDeserialize } = service[method];
  const stream = client!.makeServerStreamRequest(
    path,
    requestSerialize,
    responseDeserialize,
    request,
    metadata(TOKEN),
  );
  const messages: T[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (message: T) => messages.push(message));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error: unknown = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  return error as ServiceError;
}

describe('admin gRPC API', () => {
  it('refuses calls without the token, or with another one, as UNAUTHENTICATED', async () => {
    const listJobs = vi.fn(() => Promise.resolve([job()]));
    await start(fakeAdmin({ listJobs }));

    for (const token of [null, 'wrong-token-0123456789abcdef']) {
      const error = await failure(unary('ListJobs', {}, token));
      expect(error.code).toBe(GrpcStatus.UNAUTHENTICATED);
    }
    expect(listJobs).not.toHaveBeenCalled();
  });

  it('registers with the request and the token-derived actor', async () => {
    const register = vi.fn((_input: object, _actor: string) =>
      Promise.resolve({ jid: 'abc@localhost', password: 'secret' }),
    );
    await start(fakeAdmin({ register }));

    const response = await unary('Register', { domain: 'localhost' });

    expect(response).toEqual({ jid: 'abc@localhost', password: 'secret' });
    expect(register).toHaveBeenCalledWith(
      { domain: 'localhost' },
      expect.stringMatching(/^grpc:[0-9a-f]{12}$/),
    );
    expect(register.mock.calls[0][1]).not.toContain(TOKEN.slice(0, 8));
  });

  it('answers an invalid request with INVALID_ARGUMENT and the reason', async () => {
    const startExport = vi.fn();
    await start(fakeAdmin({ startExport }));

    const error = await failure(unary('RetrievePersonalData', { jid: 'not a jid' }));

    expect(error.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error.details).toMatch(/^jid: /);
    expect(startExport).not.toHaveBeenCalled();
  });

  it.each([
    [AdminErrorCode.Invalid, GrpcStatus.INVALID_ARGUMENT],
    [AdminErrorCode.NotFound, GrpcStatus.NOT_FOUND],
    [AdminErrorCode.Conflict, GrpcStatus.ALREADY_EXISTS],
    [AdminErrorCode.NotReady, GrpcStatus.FAILED_PRECONDITION],
    [AdminErrorCode.Unavailable, GrpcStatus.UNAVAILABLE],
  ])('maps the admin error %s to gRPC status %i', async (code, expected) => {
    await start(
      fakeAdmin({ startErasure: () => Promise.reject(new AdminException(code, 'the reason')) }),
    );

    const error = await failure(unary('Unregister', { jid: 'alice@localhost' }));

    expect(error.code).toBe(expected);
    expect(error.details).toBe('the reason');
  });

  it('hides unexpected errors behind INTERNAL and logs them', async () => {
    await start(fakeAdmin({ getJob: () => Promise.reject(new Error('relation "jobs" is gone')) }));

    const error = await failure(unary('GetJob', { id: JOB_ID }));

    expect(error.code).toBe(GrpcStatus.INTERNAL);
    expect(error.details).not.toContain('jobs');
    // The kind of error only: a driver's message may quote a JID of the request.
    expect(log.error).toHaveBeenCalledWith('GetJob failed: Error');
  });

  it('streams the job with WatchJob until it is terminal', async () => {
    async function* updates(): AsyncGenerator<JobView> {
      yield job({ status: 'queued' });
      yield job();
      yield job({
        status: 'completed',
        finishedAt: '2025-01-01T00:00:05.000Z',
        services: {
          accounts: { status: 'completed', records: 1, datasets: [{ name: 'account', rows: 1 }] },
        },
      });
    }
    const watchJob = vi.fn((_id: string, _actor?: string) => updates());
    await start(fakeAdmin({ watchJob }));

    const messages = await serverStream<Record<string, unknown>>('WatchJob', { id: JOB_ID });

    expect(watchJob).toHaveBeenCalledWith(JOB_ID, expect.stringMatching(/^grpc:/));
    expect(messages.map((m) => m.status)).toEqual([
      'JOB_STATUS_QUEUED',
      'JOB_STATUS_RUNNING',
      'JOB_STATUS_COMPLETED',
    ]);
    expect(messages[1]).toMatchObject({
      kind: 'JOB_KIND_EXPORT',
      services: {
        accounts: { status: 'SERVICE_STATUS_PENDING', waitingSince: '2025-01-01T00:00:00.000Z' },
      },
    });
    expect(messages[1]).not.toHaveProperty('finishedAt');
    expect(messages[2]).toMatchObject({
      finishedAt: '2025-01-01T00:00:05.000Z',
      services: {
        accounts: {
          status: 'SERVICE_STATUS_COMPLETED',
          records: 1,
          datasets: [{ name: 'account', rows: 1 }],
        },
      },
    });
  });

  it('lets the job source go when the WatchJob client hangs up', async () => {
    const release = vi.fn(() => Promise.resolve({ done: true as const, value: undefined }));
    let calls = 0;
    // The first state at once, then nothing: the job never changes again.
    const updates: AsyncIterable<JobView> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          calls++ === 0
            ? Promise.resolve({ done: false as const, value: job() })
            : new Promise<IteratorResult<JobView>>(() => undefined),
        return: release,
      }),
    };
    await start(fakeAdmin({ watchJob: () => updates }));
    const { path, requestSerialize, responseDeserialize } = service.WatchJob;
    const stream = client!.makeServerStreamRequest(
      path,
      requestSerialize,
      responseDeserialize,
      { id: JOB_ID },
      metadata(TOKEN),
    );
    stream.on('error', () => undefined);

    await new Promise((resolve) => stream.once('data', resolve));
    stream.cancel();

    await vi.waitFor(() => expect(release).toHaveBeenCalled());
  });

  it('cuts a WatchJob still open when the shutdown grace has passed', async () => {
    const updates: AsyncIterable<JobView> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<JobView>>(() => undefined),
      }),
    };
    await start(fakeAdmin({ watchJob: () => updates }), 50);
    const watching = failure(serverStream('WatchJob', { id: JOB_ID }));
    await new Promise((resolve) => setTimeout(resolve, 50));

    await server!.close();
    server = undefined;

    // grpc-js reports a stream cut by the server's shutdown as CANCELLED.
    expect((await watching).code).toBe(GrpcStatus.CANCELLED);
  });

  it('streams the archive bytes with DownloadArchive, in bounded chunks', async () => {
    const zip = Buffer.alloc(300 * 1024);
    for (let i = 0; i < zip.length; i++) {
      zip[i] = (i * 31) % 251;
    }
    await start(fakeAdmin({ openArchive: () => Promise.resolve(Readable.from([zip])) }));

    const chunks = await serverStream<{ data: Buffer }>('DownloadArchive', { id: JOB_ID });

    expect(Buffer.concat(chunks.map((c) => c.data)).equals(zip)).toBe(true);
    expect(Math.max(...chunks.map((c) => c.data.length))).toBeLessThanOrEqual(64 * 1024);
  });

  it('refuses DownloadArchive of an unfinished export with FAILED_PRECONDITION', async () => {
    await start(
      fakeAdmin({
        openArchive: () =>
          Promise.reject(new AdminException(AdminErrorCode.NotReady, 'the export is running')),
      }),
    );

    const error = await failure(serverStream('DownloadArchive', { id: JOB_ID }));

    expect(error.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(error.details).toBe('the export is running');
  });
});
