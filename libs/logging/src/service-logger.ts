import { ConsoleLogger } from '@nestjs/common';
import { nestLogLevels, type LogLevel } from './log-level';

/**
 * The logger every service hands to Nest: plain one-line output prefixed with the service name so
 * `pnpm start` can show one combined log. Callers must never pass a JID, IP, body or password
 * (use `pseudonym()` at debug level).
 */
export function createServiceLogger(service: string, level: LogLevel): ConsoleLogger {
  return new ConsoleLogger(service, {
    logLevels: nestLogLevels(level),
    timestamp: false,
    colors: false,
    prefix: service,
  });
}
