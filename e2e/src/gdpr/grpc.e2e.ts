import { describe, expect, inject, it } from 'vitest';
import { resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createAccount } from '../support/accounts';
import { repoRoot } from '../support/processes';
import { readZip } from '../support/zip';

interface GrpcJob {
  id: string;
  kind: string;
  status: string;
  services: Record<string, { status: string; records: string | number }>;
}

type Unary = (
  request: object,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, response: never) => void,
) => void;
type Streaming = (request: object, metadata: grpc.Metadata) => grpc.ClientReadableStream<unknown>;

const definition = protoLoader.loadSync(
  resolve(repoRoot, 'apps/orchestrator/proto/sotto/admin/v1/admin.proto'),
  {
    keepCase: true,
    enums: String,
    longs: String,
    defaults: true,
    oneofs: true,
  },
);
const proto = grpc.loadPackageDefinition(definition) as unknown as {
  sotto: {
    admin: {
      v1: {
        AdminService: new (
          address: string,
          credentials: grpc.ChannelCredentials,
        ) => grpc.Client & Record<string, Unary & Streaming>;
      };
    };
  };
};

function client() {
  return new proto.sotto.admin.v1.AdminService(
    inject('orchestrator').grpc,
    grpc.credentials.createInsecure(),
  );
}

function bearer(token = inject('orchestrator').token): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function call<T>(method: string, request: object, metadata = bearer()): Promise<T> {
  const stub = client();
  return new Promise<T>((resolvePromise, reject) => {
    (stub[method] as Unary)(request, metadata, (error, response) => {
      stub.close();
      if (error) {
        reject(error);
      } else {
        resolvePromise(response as T);
      }
    });
  });
}

function stream<T>(method: string, request: object): Promise<T[]> {
  const stub = client();
  return new Promise<T[]>((resolvePromise, reject) => {
    const items: T[] = [];
    const responses = (stub[method] as Streaming)(request, bearer());
    responses.on('data', (item: T) => items.push(item));
    responses.on('error', reject);
    responses.on('end', () => {
      stub.close();
      resolvePromise(items);
    });
  });
}

describe('the gRPC admin API', () => {
  it('refuses calls without the bearer token', async () => {
    await expect(call('ListJobs', {}, new grpc.Metadata())).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
    await expect(call('Register', {}, bearer('wrong-token'))).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
  });

  it('registers, exports with streamed progress and streams the archive', async () => {
    const registered = await call<{ jid: string; password: string }>('Register', {
      domain: 'localhost',
    });
    expect(registered.jid).toMatch(/^[a-z0-9]{20,}@localhost$/);
    expect(registered.password).toBeTruthy();

    const job = await call<GrpcJob>('RetrievePersonalData', { jid: registered.jid });
    const progress = await stream<GrpcJob>('WatchJob', { id: job.id });
    expect(progress.at(-1)?.status).toBe('JOB_STATUS_COMPLETED');
    expect(progress.at(-1)?.services.accounts?.status).toBe('SERVICE_STATUS_COMPLETED');

    const chunks = await stream<{ data: Buffer }>('DownloadArchive', { id: job.id });
    const files = await readZip(Buffer.concat(chunks.map((chunk) => chunk.data)));
    const rows = JSON.parse(files.get('accounts/account.json')!.toString('utf8')) as {
      jid: string;
    }[];
    expect(rows[0]?.jid).toBe(registered.jid);
  });

  it('maps errors: bad input, unknown JID, existing JID', async () => {
    await expect(
      call('RegisterIdentified', { jid: 'bad@@localhost', password: 'pw-pw-pw-pw' }),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(
      call('RetrievePersonalData', { jid: 'nobody-here@localhost' }),
    ).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
    const existing = await createAccount('grpc');
    await expect(
      call('RegisterIdentified', { jid: existing.jid, password: 'pw-pw-pw-pw' }),
    ).rejects.toMatchObject({
      code: grpc.status.ALREADY_EXISTS,
    });
  });

  it('unregisters and reports per service', async () => {
    const doomed = await createAccount('grpc-erase');
    const job = await call<GrpcJob>('Unregister', { jid: doomed.jid });
    const progress = await stream<GrpcJob>('WatchJob', { id: job.id });
    expect(progress.at(-1)?.status).toBe('JOB_STATUS_COMPLETED');
    expect(String(progress.at(-1)?.services.accounts?.records)).toBe('1');
    await expect(call('Unregister', { jid: doomed.jid })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
  });
});
