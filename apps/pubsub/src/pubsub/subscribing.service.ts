import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { pseudonym } from '@sotto/logging';
import { Jid, JidError, xml, type Element } from '@sotto/xmpp';
import {
  applySubscribeOptionsForm,
  DEFAULT_SUBSCRIBE_OPTIONS,
  subscribeOptionsForm,
} from '../forms/subscribe-options';
import { itemElement, itemsEvent } from '../notifications/events';
import { Notifier } from '../notifications/notifier';
import { ItemRepository } from '../store/item.repository';
import { PubsubRepository } from '../store/pubsub.repository';
import type { StoredNode, StoredSubscription } from '../store/pubsub-records';
import { NS_PUBSUB } from './namespaces';
import { NodeGuard } from './node-guard';
import type { PubsubHost } from './pubsub-host';
import type { PubsubRequest } from './pubsub-request';
import { PubsubErrorCode, PubsubException } from './pubsub.exception';

type Request<K extends PubsubRequest['kind']> = Extract<PubsubRequest, { kind: K }>;
type Records = Pick<
  PubsubRepository,
  | 'subscription'
  | 'subscribe'
  | 'unsubscribe'
  | 'userSubscriptions'
  | 'userAffiliations'
  | 'findNode'
>;
type Items = Pick<ItemRepository, 'items' | 'lastItem'>;

/** The subscriber's side of XEP-0060 (§5.6, §5.7, §6): subscriptions, options and items. */
@Injectable()
export class SubscribingService {
  private readonly logger = new Logger('pubsub-subscribe');

  constructor(
    @Inject(PubsubRepository) private readonly records: Records,
    @Inject(ItemRepository) private readonly stored: Items,
    @Inject(NodeGuard) private readonly guard: Pick<NodeGuard, 'find' | 'assertReadable'>,
    @Inject(Notifier) private readonly notifier: Pick<Notifier, 'sendTo'>,
  ) {}

  /** Subscribes the requester (bare or full JID); a second request returns the same one. */
  async subscribe(
    host: PubsubHost,
    requester: string,
    request: Request<'subscribe'>,
  ): Promise<Element> {
    const jid = subscriberJid(request.jid, requester, PubsubErrorCode.InvalidJid);
    const view = await this.guard.find(host, request.node, requester);
    await this.guard.assertReadable(view, requester);
    const existing = await this.records.subscription(view.node.id, jid);
    const current = existing ?? { subid: randomUUID(), deliver: DEFAULT_SUBSCRIBE_OPTIONS.deliver };
    const options =
      request.options === undefined
        ? undefined
        : (applySubscribeOptionsForm({ deliver: current.deliver }, request.options) ?? {
            deliver: current.deliver,
          });
    const subscription = await this.records.subscribe(
      view.node.id,
      jid,
      current.subid,
      options?.deliver ?? current.deliver,
    );
    if (!existing) {
      this.logger.debug(`${pseudonym(requester)} subscribed to a node`);
      await this.sendLastItem(host, view.node, jid);
    }
    return xml(
      'pubsub',
      { xmlns: NS_PUBSUB },
      subscriptionElement(view.node.name, subscription, 'subscribed'),
      options && xml('options', {}, subscribeOptionsForm(options, 'result')),
    );
  }

  async unsubscribe(
    host: PubsubHost,
    requester: string,
    request: Request<'unsubscribe'>,
  ): Promise<Element> {
    const jid = subscriberJid(request.jid, requester, PubsubErrorCode.Forbidden);
    const { node } = await this.guard.find(host, request.node, requester);
    const subscription = await this.subscriptionOf(
      node,
      jid,
      request.subid,
      PubsubErrorCode.NotSubscribed,
    );
    await this.records.unsubscribe(node.id, [jid]);
    return xml(
      'pubsub',
      { xmlns: NS_PUBSUB },
      subscriptionElement(node.name, subscription, 'none'),
    );
  }

  /** Gets (no form) or sets the options of a subscription (§6.3). */
  async options(
    host: PubsubHost,
    requester: string,
    request: Request<'options'>,
  ): Promise<Element | undefined> {
    const jid = subscriberJid(request.jid, requester, PubsubErrorCode.Forbidden);
    const { node } = await this.guard.find(host, request.node, requester);
    const subscription = await this.subscriptionOf(
      node,
      jid,
      request.subid,
      PubsubErrorCode.OptionsNotSubscribed,
    );
    if (request.form === undefined) {
      return xml(
        'pubsub',
        { xmlns: NS_PUBSUB },
        xml(
          'options',
          { node: node.name, jid, subid: subscription.subid },
          subscribeOptionsForm({ deliver: subscription.deliver }, 'form'),
        ),
      );
    }
    const options = applySubscribeOptionsForm({ deliver: subscription.deliver }, request.form);
    if (options) {
      await this.records.subscribe(node.id, jid, subscription.subid, options.deliver);
    }
    return undefined;
  }

  /** Items of a node (§6.5): all, the newest `max_items`, or those asked for by id. */
  async items(host: PubsubHost, requester: string, request: Request<'items'>): Promise<Element> {
    const view = await this.guard.find(host, request.node, requester);
    await this.guard.assertReadable(view, requester);
    const { node } = view;
    if (!node.config.persistItems) {
      throw new PubsubException(
        PubsubErrorCode.Unsupported,
        'the node keeps no items',
        'persistent-items',
      );
    }
    const items = await this.stored.items(node.id, request.itemIds, request.maxItems);
    return xml(
      'pubsub',
      { xmlns: NS_PUBSUB },
      xml(
        'items',
        { node: node.name },
        items.map((item) => itemElement(item, true)),
      ),
    );
  }

  /** The requester's own subscriptions on this service (§5.6). */
  async ownSubscriptions(
    host: PubsubHost,
    requester: string,
    node: string | undefined,
  ): Promise<Element> {
    const subscriptions = await this.records.userSubscriptions(host.jid, requester, node);
    return xml(
      'pubsub',
      { xmlns: NS_PUBSUB },
      xml(
        'subscriptions',
        { node },
        subscriptions.map((s) => subscriptionElement(s.node, s, 'subscribed')),
      ),
    );
  }

  /** The requester's own affiliations on this service (§5.7). */
  async ownAffiliations(
    host: PubsubHost,
    requester: string,
    node: string | undefined,
  ): Promise<Element> {
    const affiliations = await this.records.userAffiliations(host.jid, requester, node);
    return xml(
      'pubsub',
      { xmlns: NS_PUBSUB },
      xml(
        'affiliations',
        { node },
        affiliations.map((a) => xml('affiliation', { node: a.node, affiliation: a.affiliation })),
      ),
    );
  }

  /** The default subscription options (§6.4), of the service or of one node. */
  async defaultOptions(host: PubsubHost, node: string | undefined): Promise<Element> {
    if (node !== undefined && !(await this.records.findNode(host.jid, node))) {
      throw new PubsubException(PubsubErrorCode.NodeNotFound);
    }
    return xml(
      'pubsub',
      { xmlns: NS_PUBSUB },
      xml('default', { node }, subscribeOptionsForm(DEFAULT_SUBSCRIBE_OPTIONS, 'result')),
    );
  }

  private async subscriptionOf(
    node: StoredNode,
    jid: string,
    subid: string | undefined,
    notSubscribed: PubsubErrorCode,
  ): Promise<StoredSubscription> {
    const subscription = await this.records.subscription(node.id, jid);
    if (!subscription) {
      throw new PubsubException(notSubscribed);
    }
    if (subid !== undefined && subid !== subscription.subid) {
      throw new PubsubException(PubsubErrorCode.InvalidSubid);
    }
    return subscription;
  }

  // §6.1.7: the last item to a new subscriber, when the node is so configured.
  private async sendLastItem(host: PubsubHost, node: StoredNode, to: string): Promise<void> {
    if (node.config.sendLastPublishedItem === 'never' || !node.config.persistItems) {
      return;
    }
    const last = await this.stored.lastItem(node.id);
    if (last) {
      const event = itemsEvent(node.name, [itemElement(last, node.config.deliverPayloads)]);
      this.notifier.sendTo(host, node, to, event, last.publishedAt);
    }
  }
}

/**
 * The JID to (un)subscribe, prepared; its bare part must be the requester's (§6.1.3.1,
 * §6.2.3.3). `mismatch` is the XEP's error for another's JID.
 */
function subscriberJid(jid: string, requester: string, mismatch: PubsubErrorCode): string {
  let parsed: Jid;
  try {
    parsed = Jid.parse(jid);
  } catch (error) {
    if (error instanceof JidError) {
      throw new PubsubException(PubsubErrorCode.InvalidJid);
    }
    throw error;
  }
  if (parsed.bareString() !== requester) {
    throw new PubsubException(mismatch, 'only one’s own JIDs');
  }
  return parsed.toString();
}

function subscriptionElement(
  node: string,
  subscription: Pick<StoredSubscription, 'jid' | 'subid'>,
  state: 'subscribed' | 'none',
): Element {
  return xml('subscription', {
    node,
    jid: subscription.jid,
    subid: subscription.subid,
    subscription: state,
  });
}
