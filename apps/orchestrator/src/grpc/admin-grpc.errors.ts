import { status as GrpcStatus } from '@grpc/grpc-js';
import { AdminErrorCode, AdminException } from '../admin/admin.exception';

/** A refusal decided by the gRPC layer itself (authentication, request validation). */
export class GrpcRequestError extends Error {
  constructor(
    readonly code: GrpcStatus,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcRequestError';
  }
}

export interface GrpcErrorStatus {
  code: GrpcStatus;
  details: string;
}

/**
 * The one place errors become gRPC statuses. Anything unexpected is INTERNAL with no details:
 * its message may describe internals (queries, addresses) that callers have no business seeing.
 */
export function toGrpcStatus(error: unknown): GrpcErrorStatus {
  if (error instanceof GrpcRequestError) {
    return { code: error.code, details: error.message };
  }
  if (error instanceof AdminException) {
    return { code: adminStatus(error.code), details: error.message };
  }
  return { code: GrpcStatus.INTERNAL, details: 'internal error' };
}

function adminStatus(code: AdminErrorCode): GrpcStatus {
  switch (code) {
    case AdminErrorCode.Invalid:
      return GrpcStatus.INVALID_ARGUMENT;
    case AdminErrorCode.NotFound:
      return GrpcStatus.NOT_FOUND;
    case AdminErrorCode.Conflict:
      return GrpcStatus.ALREADY_EXISTS;
    case AdminErrorCode.NotReady:
      return GrpcStatus.FAILED_PRECONDITION;
    case AdminErrorCode.Unavailable:
      return GrpcStatus.UNAVAILABLE;
  }
}
