import { resolve } from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

/** The proto file, found from `src/grpc` (tests) and `dist/grpc` (run time) alike. */
export const ADMIN_PROTO_FILE = resolve(__dirname, '../../proto/sotto/admin/v1/admin.proto');

/** How messages look in JS; clients loading the same file should use the same options. */
export const ADMIN_PROTO_OPTIONS: Options = {
  longs: Number,
  enums: String,
  // Fills absent non-optional fields with their zero values, so handlers see proto3 semantics.
  defaults: true,
};

const SERVICE_NAME = 'sotto.admin.v1.AdminService';

/** `sotto.admin.v1.AdminService` as loaded from the proto file. */
export function loadAdminServiceDefinition(): ServiceDefinition {
  const definition = loadSync(ADMIN_PROTO_FILE, ADMIN_PROTO_OPTIONS)[SERVICE_NAME];
  if (definition === undefined || 'format' in definition) {
    throw new Error(`${ADMIN_PROTO_FILE} does not define the service ${SERVICE_NAME}`);
  }
  return definition;
}
