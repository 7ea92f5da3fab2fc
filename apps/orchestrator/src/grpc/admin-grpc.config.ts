import { z } from 'zod';
import { intVar, loadConfig } from '@sotto/config';

const adminGrpcConfigSchema = z.object({
  ORCHESTRATOR_GRPC_HOST: z.string().min(1).default('127.0.0.1'),
  ORCHESTRATOR_GRPC_PORT: intVar(50051, 0, 65535),
  // No default: an admin API without a token would be open to anyone who can reach the port.
  ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters'),
});

export type AdminGrpcConfig = z.infer<typeof adminGrpcConfigSchema>;

export function loadAdminGrpcConfig(env: NodeJS.ProcessEnv = process.env): AdminGrpcConfig {
  return loadConfig(adminGrpcConfigSchema, env);
}
