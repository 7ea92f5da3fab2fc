import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { pseudonym } from '@sotto/logging';
import { standalone, xml, type Element } from '@sotto/xmpp';
import { PUBSUB_CONFIG, type PubsubConfig } from '../config/pubsub.config';
import { effectiveMaxItems, PEP_NODE_DEFAULTS, type NodeConfig } from '../forms/node-config';
import {
  readPublishOptions,
  unmetPrecondition,
  type Preconditions,
} from '../forms/node-config-form';
import { itemElement, itemsEvent, retractEvent } from '../notifications/events';
import { Notifier } from '../notifications/notifier';
import { ItemRepository } from '../store/item.repository';
import { PubsubRepository } from '../store/pubsub.repository';
import { privileges, type Affiliation } from './affiliation';
import { NS_PUBSUB } from './namespaces';
import { NodeGuard, type NodeView } from './node-guard';
import type { PubsubHost } from './pubsub-host';
import type { PublishedItem, PubsubRequest } from './pubsub-request';
import { PubsubErrorCode, PubsubException } from './pubsub.exception';

type Publish = Extract<PubsubRequest, { kind: 'publish' }>;
type Retract = Extract<PubsubRequest, { kind: 'retract' }>;
type Records = Pick<PubsubRepository, 'createNode' | 'subscription' | 'findNode' | 'affiliationOf'>;
type Items = Pick<ItemRepository, 'publish' | 'item' | 'retract'>;

/** Publishing and retracting items (XEP-0060 §7), with PEP's auto-create (XEP-0163 §3). */
@Injectable()
export class PublishingService {
  private readonly logger = new Logger('pubsub-publish');

  constructor(
    @Inject(PubsubRepository) private readonly records: Records,
    @Inject(ItemRepository) private readonly items: Items,
    @Inject(NodeGuard) private readonly guard: Pick<NodeGuard, 'find'>,
    @Inject(Notifier) private readonly notifier: Pick<Notifier, 'broadcast'>,
    @Inject(PUBSUB_CONFIG)
    private readonly config: Pick<PubsubConfig, 'PUBSUB_MAX_ITEMS' | 'PUBSUB_MAX_ITEM_BYTES'>,
  ) {}

  /** Publishes; `iq` is the request, whose namespace declarations the payload may rely on. */
  async publish(
    host: PubsubHost,
    requester: string,
    request: Publish,
    iq: Element,
  ): Promise<Element> {
    const preconditions =
      request.options === undefined
        ? undefined
        : readPublishOptions(request.options, { maxItems: this.config.PUBSUB_MAX_ITEMS });
    const view = await this.nodeToPublishTo(host, requester, request.node, preconditions);
    await this.assertMayPublish(view, requester);
    const { node } = view;
    if (preconditions) {
      const unmet = unmetPrecondition(node.config, preconditions);
      if (unmet !== undefined) {
        throw new PubsubException(PubsubErrorCode.PreconditionNotMet, `${unmet} differs`);
      }
    }
    const payload = this.payloadOf(node.config, request.item, iq);
    if (!node.config.persistItems && !node.config.deliverPayloads) {
      // Transient and notification-only (§7.1.3.6): an event without items.
      await this.notifier.broadcast(host, node, itemsEvent(node.name, []), 'items');
      return xml('pubsub', { xmlns: NS_PUBSUB }, xml('publish', { node: node.name }));
    }
    const itemId = request.item?.id ?? randomUUID();
    let evicted: string[] = [];
    if (node.config.persistItems) {
      const max = effectiveMaxItems(node.config, this.config.PUBSUB_MAX_ITEMS);
      ({ evicted } = await this.items.publish(
        node.id,
        { itemId, publisher: requester, payload },
        max,
      ));
    }
    this.logger.debug(`${pseudonym(requester)} published an item`);
    const item = itemElement({ itemId, payload }, node.config.deliverPayloads);
    await this.notifier.broadcast(host, node, itemsEvent(node.name, [item]), 'items');
    if (evicted.length > 0 && node.config.notifyRetract) {
      await this.notifier.broadcast(host, node, retractEvent(node.name, evicted), 'items');
    }
    return xml(
      'pubsub',
      { xmlns: NS_PUBSUB },
      xml('publish', { node: node.name }, xml('item', { id: itemId })),
    );
  }

  /** Retracts one item (§7.2); only its publisher, a publisher or an owner may. */
  async retract(host: PubsubHost, requester: string, request: Retract): Promise<void> {
    const view = await this.guard.find(host, request.node, requester);
    const { node, affiliation } = view;
    if (!node.config.persistItems) {
      throw new PubsubException(
        PubsubErrorCode.Unsupported,
        'the node keeps no items',
        'persistent-items',
      );
    }
    const mayRetractOwn =
      affiliation === 'publish-only' || (await this.mayPublish(view, requester));
    if (!privileges.retractAny(affiliation) && !mayRetractOwn) {
      throw new PubsubException(PubsubErrorCode.Forbidden);
    }
    const item = await this.items.item(node.id, request.itemId);
    if (!item) {
      throw new PubsubException(PubsubErrorCode.ItemNotFound);
    }
    if (!privileges.retractAny(affiliation) && item.publisher !== requester) {
      throw new PubsubException(PubsubErrorCode.Forbidden, 'only its publisher may retract it');
    }
    await this.items.retract(node.id, request.itemId);
    if (request.notify || node.config.notifyRetract) {
      await this.notifier.broadcast(host, node, retractEvent(node.name, [request.itemId]), 'items');
    }
  }

  /**
   * The node, created first when a PEP owner publishes to one that does not exist yet (with the
   * PEP defaults and the preconditions' options, §7.1.5).
   */
  private async nodeToPublishTo(
    host: PubsubHost,
    requester: string,
    name: string,
    preconditions: Preconditions | undefined,
  ): Promise<NodeView> {
    const existing = await this.records.findNode(host.jid, name);
    if (existing) {
      return {
        node: existing,
        affiliation: await this.records.affiliationOf(existing.id, requester),
      };
    }
    if (!host.pep) {
      throw new PubsubException(PubsubErrorCode.NodeNotFound);
    }
    if (host.jid !== requester) {
      throw new PubsubException(PubsubErrorCode.Forbidden, 'only the account publishes here');
    }
    const config: NodeConfig = { ...PEP_NODE_DEFAULTS, ...preconditions?.values };
    // Another publication may create it meanwhile: then that one is the node.
    await this.records.createNode(host.jid, name, config, requester);
    return this.guard.find(host, name, requester);
  }

  private async assertMayPublish(view: NodeView, requester: string): Promise<void> {
    if (!(await this.mayPublish(view, requester))) {
      throw new PubsubException(PubsubErrorCode.Forbidden, 'not a publisher of this node');
    }
  }

  /** §4.1 and the publish model: publishers always, subscribers or anyone as configured. */
  private async mayPublish({ node, affiliation }: NodeView, requester: string): Promise<boolean> {
    if (privileges.publish(affiliation)) {
      return true;
    }
    if (isBlocked(affiliation)) {
      return false;
    }
    switch (node.config.publishModel) {
      case 'publishers':
        return false;
      case 'open':
        return true;
      case 'subscribers':
        return (await this.records.subscription(node.id, requester)) !== undefined;
    }
  }

  /** The payload to store and send, checked against the node's event type (§7.1.3.5-6). */
  private payloadOf(config: NodeConfig, item: PublishedItem | undefined, iq: Element): string {
    if (!config.persistItems && !config.deliverPayloads) {
      if (item) {
        throw new PubsubException(PubsubErrorCode.ItemForbidden);
      }
      return '';
    }
    if (!item) {
      throw new PubsubException(PubsubErrorCode.ItemRequired);
    }
    if (!item.payload) {
      if (config.deliverPayloads) {
        throw new PubsubException(PubsubErrorCode.PayloadRequired);
      }
      return '';
    }
    const namespace =
      [item.payload, ...item.ancestors].map((e) => e.attrs.xmlns).find((ns) => ns !== undefined) ??
      NS_PUBSUB;
    const payload = standalone(item.payload, namespace, [...item.ancestors, iq]).toString();
    if (Buffer.byteLength(payload, 'utf8') > this.config.PUBSUB_MAX_ITEM_BYTES) {
      throw new PubsubException(
        PubsubErrorCode.PayloadTooBig,
        `an item may have at most ${this.config.PUBSUB_MAX_ITEM_BYTES} bytes`,
      );
    }
    return payload;
  }
}

function isBlocked(affiliation: Affiliation): boolean {
  return affiliation === 'outcast';
}
