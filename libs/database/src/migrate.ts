import { DataSource, type DataSourceOptions } from 'typeorm';

/** Runs the pending migrations of one database, each in its own transaction; returns how many. */
export async function runPendingMigrations(options: DataSourceOptions): Promise<number> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.length;
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The body of every service's `migrate.js`: runs the pending migrations and reports on one line;
 * the exit code is 0 on success and 1 with a reason, so `pnpm start` stops on a failed migration.
 */
export function migrateAndExit(service: string, options: () => DataSourceOptions): void {
  Promise.resolve()
    .then(() => runPendingMigrations(options()))
    .then(
      (count) => {
        console.log(`${service}: ${count} migration(s) applied`);
      },
      (error: unknown) => {
        console.error(`${service}: migration failed: ${oneLineReason(error)}`);
        process.exitCode = 1;
      },
    );
}

/** One line; the driver's connection errors (AggregateError) may have an empty message. */
export function oneLineReason(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const code = (error as { code?: unknown }).code;
  return error.message.split('\n')[0] || (typeof code === 'string' ? code : error.name);
}
