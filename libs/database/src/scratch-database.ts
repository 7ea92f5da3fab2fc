import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';

/** Where repository specs create their databases: a role allowed to CREATE DATABASE. */
const adminUrl = (): string =>
  process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one repository spec against the real PostgreSQL: created with a
 * random name, migrated from scratch with the service's own migrations, dropped after.
 */
export class ScratchDatabase {
  private constructor(
    readonly name: string,
    readonly dataSource: DataSource,
  ) {}

  static async create(
    service: string,
    options: (url: string) => DataSourceOptions,
  ): Promise<ScratchDatabase> {
    const name = `sotto_${service.replace(/\W/g, '_')}_spec_${randomBytes(6).toString('hex')}`;
    await asAdmin(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl());
    url.pathname = `/${name}`;
    const dataSource = new DataSource(options(url.toString()));
    try {
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
    } catch (error) {
      await dataSource.destroy().catch(() => undefined);
      await asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      throw error;
    }
    return new ScratchDatabase(name, dataSource);
  }

  /**
   * Resolves once a session of this database waits for an advisory lock, or once `work` (the
   * party that might wait) has settled anyway: a spec of a lock's effect starts its second
   * party, waits here, then lets the first one go on.
   */
  async untilWaitingForLock(work: Promise<unknown>): Promise<void> {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      const rows: { n: number }[] = await this.dataSource.query(
        `SELECT count(*)::int AS n FROM pg_locks
         WHERE locktype = 'advisory' AND NOT granted AND database = (
           SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      if (rows[0].n > 0) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async drop(): Promise<void> {
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
    await asAdmin(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }
}
