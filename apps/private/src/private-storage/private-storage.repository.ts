import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan } from 'typeorm';
import { PrivateStorageEntity } from './private-storage.entity';

/** One stored namespace of an account, as an export shows it. */
export interface StoredFragment {
  namespace: string;
  xml: string;
}

/** The only code that touches the `private_storage` table. JIDs here are prepared bare JIDs. */
@Injectable()
export class PrivateStorageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** What `ownerJid` stored under `namespace`, or undefined when nothing is. */
  async find(ownerJid: string, namespace: string): Promise<string | undefined> {
    const row = await this.dataSource
      .getRepository(PrivateStorageEntity)
      .findOne({ select: { xml: true }, where: { ownerJid, namespace } });
    return row?.xml;
  }

  /** Creates or replaces what `ownerJid` stores under `namespace`. */
  async save(ownerJid: string, namespace: string, xml: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(PrivateStorageEntity)
      .values({ ownerJid, namespace, xml, updatedAt: () => 'now()' })
      .orUpdate(['xml', 'updated_at'], ['owner_jid', 'namespace'])
      .execute();
  }

  /** Up to `limit` of the owner's fragments in namespace order, after `afterNamespace`. */
  async page(
    ownerJid: string,
    afterNamespace: string | undefined,
    limit: number,
  ): Promise<StoredFragment[]> {
    const rows = await this.dataSource.getRepository(PrivateStorageEntity).find({
      select: { namespace: true, xml: true },
      where: {
        ownerJid,
        ...(afterNamespace === undefined ? {} : { namespace: MoreThan(afterNamespace) }),
      },
      order: { namespace: 'ASC' },
      take: limit,
    });
    return rows.map(({ namespace, xml }) => ({ namespace, xml }));
  }

  /** Deletes everything `ownerJid` stored; returns how many namespaces that was. */
  async deleteAll(ownerJid: string): Promise<number> {
    const result = await this.dataSource.getRepository(PrivateStorageEntity).delete({ ownerJid });
    return result.affected ?? 0;
  }
}
