import type { LogLevel as NestLogLevel } from '@nestjs/common';

export type LogLevel = 'error' | 'warning' | 'info' | 'debug';

/** Nest's level names for our four: `warning` (the default) shows fatal, error and warn only. */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  switch (level) {
    case 'error':
      return ['fatal', 'error'];
    case 'warning':
      return ['fatal', 'error', 'warn'];
    case 'info':
      return ['fatal', 'error', 'warn', 'log'];
    case 'debug':
      return ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  }
}
