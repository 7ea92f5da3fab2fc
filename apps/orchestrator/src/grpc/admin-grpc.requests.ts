import { z } from 'zod';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { BareJid, Password } from '@sotto/contracts';
import { GrpcRequestError } from './admin-grpc.errors';

// proto3 has no "required": an absent string arrives as "", which these schemas refuse with a
// reason naming the field.
const Domain = z
  .string()
  .min(1)
  .max(1023)
  .regex(/^[^@/\s]+$/, 'expected a domain name');
const JobId = z.uuid('expected a job id (UUID)');

/** What each call of `sotto.admin.v1.AdminService` must receive. */
export const adminGrpcRequests = {
  register: z.object({ domain: Domain.optional(), password: Password.optional() }),
  registerIdentified: z.object({ jid: BareJid, password: Password }),
  subject: z.object({ jid: BareJid }),
  job: z.object({ id: JobId }),
  none: z.object({}),
};

/** Validates a request, or throws INVALID_ARGUMENT with the reasons. */
export function parseRequest<S extends z.ZodType>(schema: S, request: unknown): z.infer<S> {
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    );
    throw new GrpcRequestError(GrpcStatus.INVALID_ARGUMENT, reasons.join('; '));
  }
  return parsed.data;
}
