import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A published item of a persistent node. */
@Entity('pubsub_items')
@Index('pubsub_items_node_position_idx', ['nodeId', 'position'])
@Index('pubsub_items_publisher_idx', ['publisher'])
export class ItemEntity {
  @PrimaryColumn('bigint', { name: 'node_id', primaryKeyConstraintName: 'pubsub_items_pkey' })
  nodeId!: string;

  @PrimaryColumn('text', { name: 'item_id', primaryKeyConstraintName: 'pubsub_items_pkey' })
  itemId!: string;

  /** The publisher's prepared bare JID. */
  @Column('text')
  publisher!: string;

  /** The payload element, serialised to stand on its own; empty when the item had none. */
  @Column('text')
  payload!: string;

  @Column('timestamptz', { name: 'published_at' })
  publishedAt!: Date;

  /** Publication order: a republished item gets a new, higher position. */
  @Column('bigint')
  position!: string;
}
