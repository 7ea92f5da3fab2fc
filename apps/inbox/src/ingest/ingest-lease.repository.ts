import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';

// Any fixed number: advisory locks are per database, and this database is the inbox's alone.
const INGEST_LOCK_KEY = 7_429_113;

/** The right to apply the messages stream, held while the connection that took it lives. */
export interface IngestLease {
  /** False once the connection holding the lock is gone (another replica may hold it now). */
  alive(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Elects the one replica that applies the messages stream: inbox entries depend on the order of
 * events, which concurrent consumers would not keep. A PostgreSQL session advisory lock is
 * released by the server when its holder's connection ends, so a crashed replica frees it.
 */
@Injectable()
export class IngestLeaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The lease, or undefined when another replica holds it. */
  async tryAcquire(): Promise<IngestLease | undefined> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const rows = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        INGEST_LOCK_KEY,
      ])) as { locked: boolean }[];
      if (rows[0]?.locked === true) {
        return new AdvisoryLease(runner);
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    await runner.release();
    return undefined;
  }
}

class AdvisoryLease implements IngestLease {
  constructor(private readonly runner: QueryRunner) {}

  async alive(): Promise<boolean> {
    try {
      await this.runner.query('SELECT 1');
      return true;
    } catch {
      // The connection is gone, and the lock with it; the caller stops applying.
      return false;
    }
  }

  async release(): Promise<void> {
    try {
      await this.runner.query('SELECT pg_advisory_unlock($1)', [INGEST_LOCK_KEY]);
    } catch {
      // A broken connection released the lock already.
    } finally {
      await this.runner.release();
    }
  }
}
