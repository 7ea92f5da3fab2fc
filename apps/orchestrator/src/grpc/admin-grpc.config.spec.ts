import { describe, expect, it } from 'vitest';
import { loadAdminGrpcConfig } from './admin-grpc.config';

describe('loadAdminGrpcConfig', () => {
  it('listens on 127.0.0.1:50051 by default', () => {
    const sut = loadAdminGrpcConfig({ ADMIN_TOKEN: 'a-token-of-enough-length' });
    expect(sut).toMatchObject({
      ORCHESTRATOR_GRPC_HOST: '127.0.0.1',
      ORCHESTRATOR_GRPC_PORT: 50051,
    });
  });

  it('refuses to start without an admin token', () => {
    expect(() => loadAdminGrpcConfig({})).toThrow(/ADMIN_TOKEN/);
  });

  it('refuses a port out of range', () => {
    expect(() =>
      loadAdminGrpcConfig({
        ADMIN_TOKEN: 'a-token-of-enough-length',
        ORCHESTRATOR_GRPC_PORT: '70000',
      }),
    ).toThrow(/ORCHESTRATOR_GRPC_PORT/);
  });
});
