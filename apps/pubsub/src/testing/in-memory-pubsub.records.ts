/* eslint-disable @typescript-eslint/require-await -- fakes keep the async signatures they stand in for */
import type { NodeConfig } from '../forms/node-config';
import type { Affiliation, StoredAffiliation } from '../pubsub/affiliation';
import type { ItemRepository } from '../store/item.repository';
import type { PubsubRepository } from '../store/pubsub.repository';
import type {
  AffiliationEntry,
  LastItem,
  Publication,
  StoredItem,
  StoredNode,
  StoredSubscription,
  UserAffiliation,
  UserSubscription,
} from '../store/pubsub-records';

type Store = Omit<PubsubRepository, 'dataSource'> & Omit<ItemRepository, 'dataSource'>;

interface NodeState {
  node: StoredNode;
  affiliations: Map<string, StoredAffiliation>;
  subscriptions: Map<string, StoredSubscription>;
  items: StoredItem[];
}

const bareOf = (jid: string) => jid.split('/')[0];

/** The repository's behaviour in memory, for unit specs of the services. */
export class InMemoryPubsubRecords implements Store {
  private readonly nodes: NodeState[] = [];
  private nextId = 1;

  state(service: string, name: string): NodeState | undefined {
    return this.nodes.find((n) => n.node.service === service && n.node.name === name);
  }

  private byId(id: string): NodeState {
    const state = this.nodes.find((n) => n.node.id === id);
    if (!state) {
      throw new Error(`no node ${id}`);
    }
    return state;
  }

  async findNode(service: string, name: string): Promise<StoredNode | undefined> {
    const state = this.state(service, name);
    return state && { ...state.node };
  }

  async createNode(service: string, name: string, config: NodeConfig, owner: string) {
    if (this.state(service, name)) {
      return undefined;
    }
    const node = { id: String(this.nextId++), service, name, config, createdAt: new Date() };
    this.nodes.push({
      node,
      affiliations: new Map([[owner, 'owner']]),
      subscriptions: new Map(),
      items: [],
    });
    return { ...node };
  }

  async updateConfig(nodeId: string, config: NodeConfig): Promise<void> {
    this.byId(nodeId).node.config = config;
  }

  async deleteNode(nodeId: string): Promise<void> {
    this.nodes.splice(this.nodes.indexOf(this.byId(nodeId)), 1);
  }

  async affiliationOf(nodeId: string, jid: string): Promise<Affiliation> {
    return this.byId(nodeId).affiliations.get(jid) ?? 'none';
  }

  async affiliations(nodeId: string): Promise<AffiliationEntry[]> {
    return [...this.byId(nodeId).affiliations]
      .map(([jid, affiliation]) => ({ jid, affiliation }))
      .sort((a, b) => a.jid.localeCompare(b.jid));
  }

  async changeAffiliations(nodeId: string, changes: { jid: string; affiliation: Affiliation }[]) {
    const state = this.byId(nodeId);
    const next = new Map(state.affiliations);
    for (const { jid, affiliation } of changes) {
      if (affiliation === 'none') {
        next.delete(jid);
      } else {
        next.set(jid, affiliation);
      }
    }
    if (![...next.values()].includes('owner')) {
      return false;
    }
    state.affiliations = next;
    for (const { jid, affiliation } of changes) {
      if (affiliation === 'outcast') {
        for (const subscribed of [...state.subscriptions.keys()]) {
          if (bareOf(subscribed) === jid) {
            state.subscriptions.delete(subscribed);
          }
        }
      }
    }
    return true;
  }

  async subscription(nodeId: string, jid: string) {
    const found = this.byId(nodeId).subscriptions.get(jid);
    return found && { ...found };
  }

  async subscriptions(nodeId: string) {
    return [...this.byId(nodeId).subscriptions.values()].map((s) => ({ ...s }));
  }

  async subscribe(nodeId: string, jid: string, subid: string, deliver: boolean) {
    const subscriptions = this.byId(nodeId).subscriptions;
    const subscription = { jid, subid: subscriptions.get(jid)?.subid ?? subid, deliver };
    subscriptions.set(jid, subscription);
    return { ...subscription };
  }

  async unsubscribe(nodeId: string, jids: string[]) {
    const subscriptions = this.byId(nodeId).subscriptions;
    return jids.filter((jid) => subscriptions.delete(jid)).length;
  }

  async userSubscriptions(service: string, user: string, node: string | undefined) {
    return this.nodes
      .filter((n) => n.node.service === service && (node === undefined || n.node.name === node))
      .flatMap((n) =>
        [...n.subscriptions.values()]
          .filter((s) => bareOf(s.jid) === user)
          .map((s): UserSubscription => ({ ...s, node: n.node.name })),
      );
  }

  async userAffiliations(service: string, user: string, node: string | undefined) {
    return this.nodes
      .filter((n) => n.node.service === service && (node === undefined || n.node.name === node))
      .flatMap((n): UserAffiliation[] => {
        const affiliation = n.affiliations.get(user);
        return affiliation ? [{ node: n.node.name, affiliation }] : [];
      });
  }

  async publish(
    nodeId: string,
    item: { itemId: string; publisher: string; payload: string },
    maxItems: number,
  ): Promise<Publication> {
    const state = this.byId(nodeId);
    state.items = state.items.filter((i) => i.itemId !== item.itemId);
    state.items.push({ ...item, publishedAt: new Date() });
    return { evicted: await this.trim(nodeId, maxItems) };
  }

  async trim(nodeId: string, maxItems: number): Promise<string[]> {
    const state = this.byId(nodeId);
    const evicted = state.items.slice(0, Math.max(0, state.items.length - maxItems));
    state.items = state.items.slice(evicted.length);
    return evicted.map((i) => i.itemId);
  }

  async retract(nodeId: string, itemId: string) {
    const state = this.byId(nodeId);
    const before = state.items.length;
    state.items = state.items.filter((i) => i.itemId !== itemId);
    return state.items.length < before;
  }

  async purge(nodeId: string) {
    const state = this.byId(nodeId);
    const count = state.items.length;
    state.items = [];
    return count;
  }

  async item(nodeId: string, itemId: string) {
    return this.byId(nodeId).items.find((i) => i.itemId === itemId);
  }

  async items(nodeId: string, ids: string[], max: number | undefined) {
    const items = this.byId(nodeId).items;
    if (ids.length > 0) {
      return items.filter((i) => ids.includes(i.itemId));
    }
    return max === undefined ? [...items] : items.slice(-max);
  }

  async lastItem(nodeId: string) {
    return this.byId(nodeId).items.at(-1);
  }

  async itemIds(nodeId: string) {
    return this.byId(nodeId).items.map((i) => i.itemId);
  }

  async nodesWithAffiliation(service: string, user: string) {
    return this.nodes
      .filter((n) => n.node.service === service)
      .map((n) => ({ node: n.node, affiliation: n.affiliations.get(user) ?? ('none' as const) }));
  }

  async visibleNodes(service: string, user: string) {
    return this.nodes
      .filter((n) => n.node.service === service)
      .filter((n) => {
        const affiliation = n.affiliations.get(user);
        return affiliation === undefined
          ? n.node.config.accessModel === 'open'
          : ['owner', 'publisher', 'member'].includes(affiliation);
      })
      .map((n) => n.node);
  }

  async lastItemsOnPresence(services: string[], nodes: string[], user: string) {
    return this.nodes
      .filter((n) => services.includes(n.node.service) && nodes.includes(n.node.name))
      .filter((n) => n.node.config.sendLastPublishedItem === 'on_sub_and_presence')
      .flatMap((n): LastItem[] => {
        const item = n.items.at(-1);
        return item
          ? [{ node: n.node, item, affiliation: n.affiliations.get(user) ?? 'none' }]
          : [];
      });
  }
}
