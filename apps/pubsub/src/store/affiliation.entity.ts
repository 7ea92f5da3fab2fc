import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { StoredAffiliation } from '../pubsub/affiliation';

/** A bare JID's affiliation with a node other than "none" (XEP-0060 §4.1). */
@Entity('pubsub_affiliations')
@Index('pubsub_affiliations_jid_idx', ['jid'])
export class AffiliationEntity {
  @PrimaryColumn('bigint', {
    name: 'node_id',
    primaryKeyConstraintName: 'pubsub_affiliations_pkey',
  })
  nodeId!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pubsub_affiliations_pkey' })
  jid!: string;

  @Column('text')
  affiliation!: StoredAffiliation;
}
