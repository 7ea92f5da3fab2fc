import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, credentials, Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { AdminService } from '../admin/admin.service';
import { AdminGrpcServer } from './admin-grpc.server';
import { loadAdminServiceDefinition } from './admin-proto';

const TOKEN = 'nest-wiring-token-0123456789';

@Module({
  providers: [
    { provide: AdminService, useValue: { listJobs: () => Promise.resolve([]) } },
    AdminGrpcServer,
  ],
})
class TestModule {}

function listJobs(port: number): Promise<unknown> {
  const { path, requestSerialize, responseDeserialize } = loadAdminServiceDefinition().ListJobs;
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${TOKEN}`);
  return new Promise<unknown>((resolve, reject) =>
    client.makeUnaryRequest(path, requestSerialize, responseDeserialize, {}, metadata, (e, v) =>
      e ? reject(e) : resolve(v),
    ),
  ).finally(() => client.close());
}

describe('AdminGrpcServer in a Nest application', () => {
  let app: INestApplicationContext | undefined;
  const saved = process.env;

  afterEach(async () => {
    await app?.close();
    process.env = saved;
  });

  it('serves the injected AdminService from bootstrap until the application closes', async () => {
    process.env = { ...saved, ADMIN_TOKEN: TOKEN, ORCHESTRATOR_GRPC_PORT: '0' };
    app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    await app.init();
    const port = app.get(AdminGrpcServer).port!;

    expect(await listJobs(port)).toEqual({ jobs: [] });

    await app.close();
    app = undefined;
    await expect(listJobs(port)).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
  });
});
