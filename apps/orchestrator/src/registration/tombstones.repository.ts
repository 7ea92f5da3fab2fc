import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TombstoneEntity } from './tombstone.entity';

/** The only code that touches `tombstones`; it sees keyed hashes, never JIDs. */
@Injectable()
export class TombstonesRepository {
  constructor(private readonly dataSource: DataSource) {}

  exists(subjectHash: string): Promise<boolean> {
    return this.dataSource.getRepository(TombstoneEntity).existsBy({ subjectHash });
  }

  /** Idempotent: tombstoning twice is the same as once. */
  async insert(subjectHash: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(TombstoneEntity)
      .values({ subjectHash })
      .orIgnore()
      .execute();
  }
}
