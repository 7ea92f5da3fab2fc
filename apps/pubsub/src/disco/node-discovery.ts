import { Inject, Injectable } from '@nestjs/common';
import { NS_DISCO_INFO, NS_DISCO_ITEMS, xml, type Element } from '@sotto/xmpp';
import { nodeConfigForm } from '../forms/node-config-form';
import { AccessPolicy, type RosterItems } from '../pubsub/access-policy';
import { FORM_META_DATA, NS_PUBSUB } from '../pubsub/namespaces';
import { NodeGuard } from '../pubsub/node-guard';
import type { PubsubHost } from '../pubsub/pubsub-host';
import { PubsubErrorCode, PubsubException } from '../pubsub/pubsub.exception';
import { ItemRepository } from '../store/item.repository';
import { PubsubRepository } from '../store/pubsub.repository';
import type { StoredNode } from '../store/pubsub-records';
import { SERVICE_FEATURES } from './pubsub-features';

/**
 * Service discovery of a pubsub service and of its nodes (XEP-0060 §5), for the shared service
 * and for PEP accounts alike. A node the requester may not read is not disclosed: it is as if
 * it did not exist.
 */
@Injectable()
export class NodeDiscovery {
  constructor(
    @Inject(NodeGuard) private readonly guard: NodeGuard,
    @Inject(AccessPolicy) private readonly access: Pick<AccessPolicy, 'refusal'>,
    @Inject(PubsubRepository)
    private readonly records: Pick<PubsubRepository, 'visibleNodes' | 'nodesWithAffiliation'>,
    @Inject(ItemRepository) private readonly items: Pick<ItemRepository, 'itemIds'>,
  ) {}

  /** disco#info of the shared service itself (§5.1). */
  serviceInfo(): Element {
    return xml(
      'query',
      { xmlns: NS_DISCO_INFO },
      xml('identity', { category: 'pubsub', type: 'service', name: 'Publish-Subscribe' }),
      [NS_DISCO_INFO, NS_DISCO_ITEMS, ...SERVICE_FEATURES].map((v) => xml('feature', { var: v })),
    );
  }

  /** disco#info of a node (§5.3, §5.4): leaf identity and meta-data. */
  async nodeInfo(host: PubsubHost, requester: string, name: string): Promise<Element> {
    const node = await this.readable(host, requester, name);
    // Metadata without the owner and publisher lists: who runs a node is theirs to tell.
    const metadata = nodeConfigForm(node.config, 'result', FORM_META_DATA, [
      { var: 'pubsub#creation_date', type: 'text-single', values: [node.createdAt.toISOString()] },
    ]);
    return xml(
      'query',
      { xmlns: NS_DISCO_INFO, node: node.name },
      xml('identity', { category: 'pubsub', type: 'leaf' }),
      xml('feature', { var: NS_PUBSUB }),
      metadata,
    );
  }

  /** disco#items of a node: its item ids (§5.5). */
  async nodeItems(host: PubsubHost, requester: string, name: string): Promise<Element> {
    const node = await this.readable(host, requester, name);
    const ids = node.config.persistItems ? await this.items.itemIds(node.id) : [];
    return xml(
      'query',
      { xmlns: NS_DISCO_ITEMS, node: node.name },
      ids.map((id) => xml('item', { jid: host.jid, name: id })),
    );
  }

  /**
   * The nodes of a service (§5.2). A PEP service lists those the requester may read, as
   * XEP-0163 §7 asks; the shared service its open nodes and those the requester is affiliated
   * with, so that listing never asks rosters for every presence or roster node it holds.
   */
  async nodes(host: PubsubHost, requester: string): Promise<Element> {
    const nodes = host.pep
      ? await this.readableOf(host, requester)
      : await this.records.visibleNodes(host.jid, requester);
    return xml(
      'query',
      { xmlns: NS_DISCO_ITEMS },
      nodes.map((n) =>
        xml('item', { jid: host.jid, node: n.name, name: n.config.title || undefined }),
      ),
    );
  }

  private async readableOf(host: PubsubHost, requester: string): Promise<StoredNode[]> {
    const rosters: RosterItems = new Map();
    const readable: StoredNode[] = [];
    for (const { node, affiliation } of await this.records.nodesWithAffiliation(
      host.jid,
      requester,
    )) {
      const request = { config: node.config, owners: [host.jid], requester, affiliation };
      if ((await this.access.refusal(request, rosters)) === undefined) {
        readable.push(node);
      }
    }
    return readable;
  }

  private async readable(host: PubsubHost, requester: string, name: string): Promise<StoredNode> {
    const view = await this.guard.find(host, name, requester);
    if ((await this.guard.refusal(view, requester)) !== undefined) {
      throw new PubsubException(PubsubErrorCode.NodeNotFound);
    }
    return view.node;
  }
}
