import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One subscription to a node; the subscribed JID is bare or full, as the subscriber chose. */
@Entity('pubsub_subscriptions')
export class SubscriptionEntity {
  @PrimaryColumn('bigint', {
    name: 'node_id',
    primaryKeyConstraintName: 'pubsub_subscriptions_pkey',
  })
  nodeId!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'pubsub_subscriptions_pkey' })
  jid!: string;

  @Column('uuid')
  subid!: string;

  /** `pubsub#deliver` of the subscription options. */
  @Column('boolean')
  deliver!: boolean;
}
