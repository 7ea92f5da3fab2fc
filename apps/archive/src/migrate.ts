import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadArchiveConfig } from './config/archive.config';
import { dataSourceOptions } from './database/data-source';

// Runs the pending migrations of the archive database and exits: 0 on success, 1 with a reason.
async function migrate(): Promise<number> {
  const config = loadArchiveConfig();
  const dataSource = new DataSource(dataSourceOptions(config.ARCHIVE_DATABASE_URL));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.length;
  } finally {
    await dataSource.destroy();
  }
}

migrate().then(
  (count) => {
    console.log(`archive: ${count} migration(s) applied`);
  },
  (error: unknown) => {
    console.error(`archive: migration failed: ${reason(error)}`);
    process.exitCode = 1;
  },
);

// One line; the driver's connection errors (AggregateError) may have an empty message.
function reason(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const code = (error as { code?: unknown }).code;
  return error.message.split('\n')[0] || (typeof code === 'string' ? code : error.name);
}
