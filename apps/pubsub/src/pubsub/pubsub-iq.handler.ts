import { Inject, Injectable } from '@nestjs/common';
import type { Element } from '@sotto/xmpp';
import type { IqContext, IqHandler } from '@sotto/xmpp-service';
import { NS_PUBSUB, NS_PUBSUB_OWNER } from './namespaces';
import { OwnerService } from './owner.service';
import { PublishingService } from './publishing.service';
import { parseOwnerRequest } from './owner-request';
import { parsePubsubRequest } from './pubsub-request';
import { PubsubHosts } from './pubsub-hosts';
import { asStanzaErrors } from './pubsub.exception';
import { SubscribingService } from './subscribing.service';

/** Serves `<pubsub xmlns='http://jabber.org/protocol/pubsub'/>` IQs: entities' use cases. */
@Injectable()
export class PubsubIqHandler implements IqHandler {
  readonly namespace = NS_PUBSUB;

  constructor(
    @Inject(PubsubHosts) private readonly hosts: PubsubHosts,
    @Inject(PublishingService) private readonly publishing: PublishingService,
    @Inject(SubscribingService) private readonly subscribing: SubscribingService,
    @Inject(OwnerService) private readonly owners: OwnerService,
  ) {}

  get(context: IqContext): Promise<Element | undefined> {
    return this.answer(context, 'get');
  }

  set(context: IqContext): Promise<Element | undefined> {
    return this.answer(context, 'set');
  }

  private answer(context: IqContext, type: 'get' | 'set'): Promise<Element | undefined> {
    return asStanzaErrors(async () => {
      const host = this.hosts.of(context);
      const requester = context.from.bareString();
      const request = parsePubsubRequest(context.payload, type);
      switch (request.kind) {
        case 'create':
          return this.owners.create(host, requester, request.node, request.config);
        case 'publish':
          return this.publishing.publish(host, requester, request, context.iq);
        case 'retract':
          await this.publishing.retract(host, requester, request);
          return undefined;
        case 'subscribe':
          return this.subscribing.subscribe(host, requester, request);
        case 'unsubscribe':
          return this.subscribing.unsubscribe(host, requester, request);
        case 'options':
          return this.subscribing.options(host, requester, request);
        case 'items':
          return this.subscribing.items(host, requester, request);
        case 'subscriptions':
          return this.subscribing.ownSubscriptions(host, requester, request.node);
        case 'affiliations':
          return this.subscribing.ownAffiliations(host, requester, request.node);
        case 'default-options':
          return this.subscribing.defaultOptions(host, request.node);
      }
    });
  }
}

/** Serves `<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'/>` IQs: owners' use cases. */
@Injectable()
export class PubsubOwnerIqHandler implements IqHandler {
  readonly namespace = NS_PUBSUB_OWNER;

  constructor(
    @Inject(PubsubHosts) private readonly hosts: PubsubHosts,
    @Inject(OwnerService) private readonly owners: OwnerService,
  ) {}

  get(context: IqContext): Promise<Element | undefined> {
    return this.answer(context, 'get');
  }

  set(context: IqContext): Promise<Element | undefined> {
    return this.answer(context, 'set');
  }

  private answer(context: IqContext, type: 'get' | 'set'): Promise<Element | undefined> {
    return asStanzaErrors(async () => {
      const host = this.hosts.of(context);
      const request = parseOwnerRequest(context.payload, type);
      return this.owners.handle(host, context.from.bareString(), request);
    });
  }
}
