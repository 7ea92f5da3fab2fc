import { Inject, Injectable, Logger } from '@nestjs/common';
import { pseudonym } from '@sotto/logging';
import { StanzaSender } from '@sotto/xmpp-service';
import { Jid, JidError } from '@sotto/xmpp';
import { eventMessage, itemElement, itemsEvent } from '../notifications/events';
import { AccessPolicy } from '../pubsub/access-policy';
import { privileges } from '../pubsub/affiliation';
import { RosterDirectory, type RosterLookup } from '../roster/roster-directory';
import { ItemRepository } from '../store/item.repository';
import type { LastItem } from '../store/pubsub-records';

/**
 * XEP-0163 §4.3.4: a resource that has just become available, with entity capabilities asking
 * for some nodes (`+notify`), gets the last item of each of those nodes of its own account and
 * of every contact whose presence it receives, where the node's access model lets it read.
 */
@Injectable()
export class LastItemsService {
  private readonly logger = new Logger('pep-last-items');

  constructor(
    @Inject(ItemRepository)
    private readonly records: Pick<ItemRepository, 'lastItemsOnPresence'>,
    @Inject(RosterDirectory) private readonly rosters: Pick<RosterLookup, 'presence'>,
    @Inject(AccessPolicy) private readonly access: Pick<AccessPolicy, 'refusal'>,
    @Inject(StanzaSender) private readonly sender: Pick<StanzaSender, 'send'>,
  ) {}

  async sendTo(resource: string, nodes: string[]): Promise<void> {
    let user: string;
    try {
      user = Jid.parse(resource).bareString();
    } catch (error) {
      if (error instanceof JidError) {
        this.logger.warn('ignored PEP interest of an invalid JID');
        return;
      }
      throw error;
    }
    const contacts = (await this.rosters.presence(user)).subscriptions;
    const lastItems = await this.records.lastItemsOnPresence(
      [user, ...contacts],
      [...new Set(nodes)],
      user,
    );
    let sent = 0;
    for (const last of lastItems) {
      if (await this.readable(last, user)) {
        const { node, item } = last;
        const event = itemsEvent(node.name, [itemElement(item, node.config.deliverPayloads)]);
        this.sender.send(
          resource,
          eventMessage(node.service, resource, 'headline', event, item.publishedAt),
        );
        sent++;
      }
    }
    this.logger.debug(`sent ${sent} last PEP items to ${pseudonym(user)}`);
  }

  // The user receives each contact's presence: that is what the presence (and open) model asks.
  private async readable({ node, affiliation }: LastItem, user: string): Promise<boolean> {
    if (node.service === user) {
      return true;
    }
    if (privileges.readNever(affiliation)) {
      return false;
    }
    if (privileges.readAlways(affiliation)) {
      return true;
    }
    if (node.config.accessModel === 'presence' || node.config.accessModel === 'open') {
      return true;
    }
    const refusal = await this.access.refusal({
      config: node.config,
      owners: [node.service],
      requester: user,
      affiliation,
    });
    return refusal === undefined;
  }
}
