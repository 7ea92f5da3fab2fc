import { QueryFailedError } from 'typeorm';

/**
 * Whether the database refused the data itself (SQLSTATE classes 22, data exception, and 23,
 * integrity violation): writing it again fails again. Anything else (connection lost, server
 * shutting down, lock timeout) may pass on a later try.
 */
export function isDataError(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) {
    return false;
  }
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
