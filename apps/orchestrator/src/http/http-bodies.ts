import { z } from 'zod';
import { Password } from '@sotto/contracts';

// Unknown fields are refused, so a typo (`pasword`) is a 400 rather than a silent default.
export const RegisterBody = z
  .object({ domain: z.string().min(1).max(1023).optional(), password: Password.optional() })
  .strict()
  .default({});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const RegisterIdentifiedBody = z.object({ password: Password }).strict();
export type RegisterIdentifiedBody = z.infer<typeof RegisterIdentifiedBody>;

export const ExportBody = z.object({ jid: z.string().min(1).max(3071) }).strict();
export type ExportBody = z.infer<typeof ExportBody>;

const DatasetProgress = z.object({
  name: z.string(),
  rows: z.number().int().optional(),
  deleted: z.number().int().optional(),
  kept: z.number().int().optional(),
  keptReason: z.string().optional(),
});

/** The JobView as a schema: only for the OpenAPI document, responses are not re-validated. */
export const JobViewSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['export', 'erasure']),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  services: z.record(
    z.string(),
    z.object({
      status: z.enum(['pending', 'completed', 'failed']),
      records: z.number().int(),
      waitingSince: z.iso.datetime().optional(),
      datasets: z.array(DatasetProgress).optional(),
    }),
  ),
  error: z.string().optional(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});

export const RegisteredSchema = z.object({ jid: z.string(), password: z.string().optional() });
export const JobEnvelopeSchema = z.object({ job: JobViewSchema });
export const ErrorSchema = z.object({
  statusCode: z.number().int(),
  message: z.string(),
  code: z.string().optional(),
});
