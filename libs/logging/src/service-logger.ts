import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { nestLogLevels, type LogLevel } from './log-level';
import { openProcessLogStore, type LogStore } from './log-store';
import { logStoreSettings, type LogStoreSettings } from './log-store.settings';

/**
 * The logger every service hands to Nest: plain one-line output prefixed with the service name so
 * `pnpm start` can show one combined log, and the same lines in the service's own log files
 * (`LOG_DIR`), where the GDPR worker finds a subject's lines. Callers must never pass a JID, IP,
 * body or password; below `warning`, a line about a user names them as `pseudonym(bareJid)`.
 */
export function createServiceLogger(
  service: string,
  level: LogLevel,
  settings: LogStoreSettings | null = logStoreSettings(),
): ConsoleLogger {
  const store = settings ? openProcessLogStore(service, settings) : undefined;
  return new ServiceLogger(service, level, store);
}

class ServiceLogger extends ConsoleLogger {
  constructor(
    service: string,
    level: LogLevel,
    private readonly store: LogStore | undefined,
  ) {
    super(service, {
      logLevels: nestLogLevels(level),
      timestamp: false,
      colors: false,
      prefix: service,
    });
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: NestLogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(messages, context, logLevel, writeStreamType, errorStack);
    if (!this.store) {
      return;
    }
    // One entry per line in the file, with a sortable time: a search by line finds whole entries.
    const prefix = `${new Date().toISOString()} ${logLevel.toUpperCase().padStart(7)} ${context ? `[${context}] ` : ''}`;
    const stack = typeof errorStack === 'string' ? ` ${errorStack}` : '';
    for (const message of messages) {
      const text = String(this.stringifyMessage(message, logLevel)) + stack;
      this.store.append(`${prefix}${text.replace(/\r?\n/g, '\\n')}\n`);
    }
  }
}
