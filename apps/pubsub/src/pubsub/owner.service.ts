import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { pseudonym } from '@sotto/logging';
import { Jid, JidError, xml, type Element } from '@sotto/xmpp';
import { PUBSUB_CONFIG, type PubsubConfig } from '../config/pubsub.config';
import {
  effectiveMaxItems,
  PEP_NODE_DEFAULTS,
  SERVICE_NODE_DEFAULTS,
  type NodeConfig,
} from '../forms/node-config';
import { applyNodeConfigForm, nodeConfigForm } from '../forms/node-config-form';
import {
  configurationEvent,
  deleteEvent,
  purgeEvent,
  subscriptionEvent,
} from '../notifications/events';
import { Notifier } from '../notifications/notifier';
import { ItemRepository } from '../store/item.repository';
import { PubsubRepository } from '../store/pubsub.repository';
import type { StoredNode } from '../store/pubsub-records';
import { isAffiliation, type Affiliation } from './affiliation';
import { NS_PUBSUB, NS_PUBSUB_OWNER } from './namespaces';
import { NodeGuard } from './node-guard';
import type { PubsubHost } from './pubsub-host';
import type { AffiliationChange, OwnerRequest, SubscriptionChange } from './owner-request';
import { PubsubErrorCode, PubsubException } from './pubsub.exception';

type Records = Pick<
  PubsubRepository,
  | 'createNode'
  | 'updateConfig'
  | 'deleteNode'
  | 'subscriptions'
  | 'subscription'
  | 'subscribe'
  | 'unsubscribe'
  | 'affiliations'
  | 'affiliationOf'
  | 'changeAffiliations'
>;
type Items = Pick<ItemRepository, 'purge' | 'trim'>;

/** The owner's side of XEP-0060 (§8): nodes, their configuration, subscribers and affiliates. */
@Injectable()
export class OwnerService {
  private readonly logger = new Logger('pubsub-owner');

  constructor(
    @Inject(PubsubRepository) private readonly records: Records,
    @Inject(ItemRepository) private readonly items: Items,
    @Inject(NodeGuard) private readonly guard: Pick<NodeGuard, 'owned' | 'refusal'>,
    @Inject(Notifier)
    private readonly notifier: Pick<Notifier, 'broadcast' | 'audience' | 'sendTo'>,
    @Inject(PUBSUB_CONFIG) private readonly config: Pick<PubsubConfig, 'PUBSUB_MAX_ITEMS'>,
  ) {}

  /** Creates a node, named or instant, with the defaults or a submitted configuration (§8.1). */
  async create(
    host: PubsubHost,
    requester: string,
    name: string | undefined,
    form: Element | undefined,
  ): Promise<Element> {
    if (host.pep && host.jid !== requester) {
      throw new PubsubException(PubsubErrorCode.Forbidden, 'only the account creates nodes here');
    }
    const defaults = host.pep ? PEP_NODE_DEFAULTS : SERVICE_NODE_DEFAULTS;
    const config =
      form === undefined
        ? defaults
        : (applyNodeConfigForm(defaults, form, this.limits) ?? defaults);
    const node = name ?? randomUUID();
    if (!(await this.records.createNode(host.jid, node, config, requester))) {
      throw new PubsubException(PubsubErrorCode.NodeExists);
    }
    this.logger.debug(`${pseudonym(requester)} created a node`);
    return xml('pubsub', { xmlns: NS_PUBSUB }, xml('create', { node }));
  }

  async handle(
    host: PubsubHost,
    requester: string,
    request: OwnerRequest,
  ): Promise<Element | undefined> {
    if (request.kind === 'default-config') {
      const defaults = host.pep ? PEP_NODE_DEFAULTS : SERVICE_NODE_DEFAULTS;
      return owner(xml('default', {}, nodeConfigForm(defaults, 'form')));
    }
    const node = await this.guard.owned(host, request.node, requester);
    switch (request.kind) {
      case 'configure':
        if (request.form === undefined) {
          return owner(xml('configure', { node: node.name }, nodeConfigForm(node.config, 'form')));
        }
        await this.configure(host, node, request.form);
        return undefined;
      case 'delete': {
        // Who is subscribed is known only until the node and its subscriptions are gone.
        const audience = node.config.notifyDelete
          ? await this.notifier.audience(host, node, 'node')
          : undefined;
        await this.records.deleteNode(node.id);
        audience?.send(deleteEvent(node.name, request.redirect));
        return undefined;
      }
      case 'purge':
        if (!node.config.persistItems) {
          throw new PubsubException(
            PubsubErrorCode.Unsupported,
            'the node keeps no items',
            'persistent-items',
          );
        }
        await this.items.purge(node.id);
        if (node.config.notifyRetract) {
          await this.notifier.broadcast(host, node, purgeEvent(node.name), 'node');
        }
        return undefined;
      case 'subscriptions':
        if (request.changes === undefined) {
          return this.subscriptionList(node);
        }
        await this.changeSubscriptions(host, node, request.changes);
        return undefined;
      case 'affiliations':
        if (request.changes === undefined) {
          return this.affiliationList(node);
        }
        await this.changeAffiliations(host, node, request.changes);
        return undefined;
    }
  }

  private get limits() {
    return { maxItems: this.config.PUBSUB_MAX_ITEMS };
  }

  /** §8.2.4: applies the form; what the new configuration implies for stored data follows. */
  private async configure(host: PubsubHost, node: StoredNode, form: Element): Promise<void> {
    const config = applyNodeConfigForm(node.config, form, this.limits);
    if (config === undefined) {
      return;
    }
    await this.records.updateConfig(node.id, config);
    const updated = { ...node, config };
    if (!config.persistItems) {
      await this.items.purge(node.id);
    } else if (
      effectiveMaxItems(config, this.limits.maxItems) <
      effectiveMaxItems(node.config, this.limits.maxItems)
    ) {
      await this.items.trim(node.id, effectiveMaxItems(config, this.limits.maxItems));
    }
    if (accessNarrowed(node.config, config)) {
      await this.dropUnauthorisedSubscriptions(host, updated);
    }
    if (config.notifyConfig) {
      const shown = config.deliverPayloads ? nodeConfigForm(config, 'result') : undefined;
      await this.notifier.broadcast(host, updated, configurationEvent(node.name, shown), 'node');
    }
  }

  // XEP-0163 §7: a subscriber who lost access loses the subscription, and is told so.
  private async dropUnauthorisedSubscriptions(host: PubsubHost, node: StoredNode): Promise<void> {
    for (const subscription of await this.records.subscriptions(node.id)) {
      const reader = Jid.parse(subscription.jid).bareString();
      const affiliation = await this.records.affiliationOf(node.id, reader);
      if ((await this.guard.refusal({ node, affiliation }, reader)) !== undefined) {
        await this.records.unsubscribe(node.id, [subscription.jid]);
        this.notifier.sendTo(
          host,
          node,
          subscription.jid,
          subscriptionEvent(node.name, subscription.jid, 'none', subscription.subid),
        );
      }
    }
  }

  private async subscriptionList(node: StoredNode): Promise<Element> {
    const subscriptions = await this.records.subscriptions(node.id);
    return owner(
      xml(
        'subscriptions',
        { node: node.name },
        subscriptions.map((s) =>
          xml('subscription', { jid: s.jid, subscription: 'subscribed', subid: s.subid }),
        ),
      ),
    );
  }

  /** §8.8.2: all changes are checked first, so an invalid one changes nothing. */
  private async changeSubscriptions(
    host: PubsubHost,
    node: StoredNode,
    changes: SubscriptionChange[],
  ): Promise<void> {
    const valid = changes.map((change) => {
      const jid = prepared(change.jid).toString();
      if (
        change.subscription !== undefined &&
        change.subscription !== 'none' &&
        change.subscription !== 'subscribed'
      ) {
        // Pending and unconfigured subscriptions are not offered here.
        throw new PubsubException(
          PubsubErrorCode.NotAcceptable,
          'a subscription is subscribed or none',
        );
      }
      return { jid, subscription: change.subscription };
    });
    for (const { jid, subscription } of valid) {
      if (subscription === 'none') {
        const existing = await this.records.subscription(node.id, jid);
        if (existing && (await this.records.unsubscribe(node.id, [jid])) > 0) {
          this.notifier.sendTo(
            host,
            node,
            jid,
            subscriptionEvent(node.name, jid, 'none', existing.subid),
          );
        }
      } else if (subscription === 'subscribed') {
        const existing = await this.records.subscription(node.id, jid);
        const added = await this.records.subscribe(
          node.id,
          jid,
          existing?.subid ?? randomUUID(),
          existing?.deliver ?? true,
        );
        if (!existing) {
          this.notifier.sendTo(
            host,
            node,
            jid,
            subscriptionEvent(node.name, jid, 'subscribed', added.subid),
          );
        }
      }
    }
  }

  private async affiliationList(node: StoredNode): Promise<Element> {
    const affiliations = await this.records.affiliations(node.id);
    return owner(
      xml(
        'affiliations',
        { node: node.name },
        affiliations.map((a) => xml('affiliation', { jid: a.jid, affiliation: a.affiliation })),
      ),
    );
  }

  /** §8.9.2: bare JIDs, each once; the node keeps an owner; a PEP node only its account. */
  private async changeAffiliations(
    host: PubsubHost,
    node: StoredNode,
    changes: AffiliationChange[],
  ): Promise<void> {
    const valid: { jid: string; affiliation: Affiliation }[] = [];
    for (const change of changes) {
      const jid = prepared(change.jid).bareString();
      if (valid.some((v) => v.jid === jid)) {
        throw new PubsubException(PubsubErrorCode.BadRequest, 'one affiliation per JID');
      }
      if (change.affiliation === undefined) {
        continue;
      }
      if (!isAffiliation(change.affiliation)) {
        throw new PubsubException(PubsubErrorCode.NotAcceptable, 'unknown affiliation');
      }
      if (host.pep && (jid === host.jid || change.affiliation === 'owner')) {
        throw new PubsubException(
          PubsubErrorCode.NotAcceptable,
          'a PEP node has its account as only owner',
        );
      }
      valid.push({ jid, affiliation: change.affiliation });
    }
    if (!(await this.records.changeAffiliations(node.id, valid))) {
      throw new PubsubException(PubsubErrorCode.NotAcceptable, 'a node keeps at least one owner');
    }
  }
}

function owner(child: Element): Element {
  return xml('pubsub', { xmlns: NS_PUBSUB_OWNER }, child);
}

function prepared(jid: string): Jid {
  try {
    return Jid.parse(jid);
  } catch (error) {
    if (error instanceof JidError) {
      throw new PubsubException(PubsubErrorCode.NotAcceptable, 'not a valid JID');
    }
    throw error;
  }
}

function accessNarrowed(before: NodeConfig, after: NodeConfig): boolean {
  return (
    before.accessModel !== after.accessModel ||
    before.rosterGroupsAllowed.join('\n') !== after.rosterGroupsAllowed.join('\n')
  );
}
