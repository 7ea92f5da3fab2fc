import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VcardEntity } from './vcard.entity';

/** The only code that touches the `vcards` table. JIDs here are prepared bare JIDs. */
@Injectable()
export class VcardRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The serialised vCard of `ownerJid`, or undefined when there is none. */
  async find(ownerJid: string): Promise<string | undefined> {
    const row = await this.dataSource
      .getRepository(VcardEntity)
      .findOne({ select: { vcard: true }, where: { ownerJid } });
    return row?.vcard;
  }

  /** Creates or replaces the vCard of `ownerJid`. */
  async save(ownerJid: string, vcard: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(VcardEntity)
      .values({ ownerJid, vcard, updatedAt: () => 'now()' })
      .orUpdate(['vcard', 'updated_at'], ['owner_jid'])
      .execute();
  }

  /** Deletes the vCard of `ownerJid`; false when there was none. */
  async delete(ownerJid: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(VcardEntity).delete({ ownerJid });
    return (result.affected ?? 0) > 0;
  }
}
