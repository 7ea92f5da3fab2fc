import { Inject, Injectable } from '@nestjs/common';
import { NS_DISCO_INFO, NS_DISCO_ITEMS, type Element } from '@sotto/xmpp';
import type { IqContext, IqHandler } from '@sotto/xmpp-service';
import { PubsubHosts } from '../pubsub/pubsub-hosts';
import { asStanzaErrors, PubsubErrorCode, PubsubException } from '../pubsub/pubsub.exception';
import { NodeDiscovery } from './node-discovery';

/** The node a disco query names, if any. */
function queriedNode(payload: Element): string | undefined {
  if (payload.name !== 'query') {
    throw new PubsubException(PubsubErrorCode.BadRequest, 'expected a query');
  }
  const node = payload.attrs.node;
  return node === '' ? undefined : node;
}

/**
 * disco#info of the shared service (XEP-0060 §5.1) and of its nodes; of a PEP account, only
 * the nodes: the gateway answers disco#info of a bare JID itself.
 */
@Injectable()
export class DiscoInfoHandler implements IqHandler {
  readonly namespace = NS_DISCO_INFO;

  constructor(
    @Inject(PubsubHosts) private readonly hosts: PubsubHosts,
    @Inject(NodeDiscovery) private readonly discovery: NodeDiscovery,
  ) {}

  get(context: IqContext): Promise<Element> {
    return asStanzaErrors(async () => {
      const host = this.hosts.of(context);
      const node = queriedNode(context.payload);
      if (node === undefined) {
        if (host.pep) {
          throw new PubsubException(PubsubErrorCode.ServiceUnavailable);
        }
        return this.discovery.serviceInfo();
      }
      return this.discovery.nodeInfo(host, context.from.bareString(), node);
    });
  }
}

/** disco#items of a service, shared or PEP (its nodes, §5.2), and of a node (its items, §5.5). */
@Injectable()
export class DiscoItemsHandler implements IqHandler {
  readonly namespace = NS_DISCO_ITEMS;

  constructor(
    @Inject(PubsubHosts) private readonly hosts: PubsubHosts,
    @Inject(NodeDiscovery) private readonly discovery: NodeDiscovery,
  ) {}

  get(context: IqContext): Promise<Element> {
    return asStanzaErrors(async () => {
      const host = this.hosts.of(context);
      const node = queriedNode(context.payload);
      const requester = context.from.bareString();
      return node === undefined
        ? this.discovery.nodes(host, requester)
        : this.discovery.nodeItems(host, requester, node);
    });
  }
}
