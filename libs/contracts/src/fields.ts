import { z } from 'zod';

/** A bare JID string as the gateway prepared it (RFC 7622); services re-check what they need. */
export const BareJid = z
  .string()
  .min(3)
  .max(3071)
  .regex(/^[^@/\s]+@[^@/\s]+$/, 'expected a bare JID local@domain');

/** A full JID local@domain/resource. */
export const FullJid = z
  .string()
  .min(5)
  .max(3071)
  .regex(/^[^@/\s]+@[^@/\s]+\/.+$/s, 'expected a full JID local@domain/resource');

export const Password = z.string().min(1).max(1024);

export const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');

export const ScramMechanism = z.enum(['SCRAM-SHA-1', 'SCRAM-SHA-256']);
export type ScramMechanism = z.infer<typeof ScramMechanism>;
