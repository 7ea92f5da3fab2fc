/* eslint-disable @typescript-eslint/require-await -- fakes keep the async signatures they stand in for */
import { parseFrame, type Element } from '@sotto/xmpp';
import { Notifier } from '../notifications/notifier';
import { AccessPolicy } from '../pubsub/access-policy';
import { NodeGuard } from '../pubsub/node-guard';
import { OwnerService } from '../pubsub/owner.service';
import { PublishingService } from '../pubsub/publishing.service';
import type { PubsubHost } from '../pubsub/pubsub-host';
import { parseOwnerRequest } from '../pubsub/owner-request';
import { parsePubsubRequest } from '../pubsub/pubsub-request';
import { SubscribingService } from '../pubsub/subscribing.service';
import type { RosterEntry, RosterLookup } from '../roster/roster-directory';
import { InMemoryPubsubRecords } from './in-memory-pubsub.records';

/** Rosters as the roster service would answer, set by the test. */
export class FakeRosters implements RosterLookup {
  readonly items = new Map<string, RosterEntry>();
  readonly subscribers = new Map<string, string[]>();
  readonly subscriptions = new Map<string, string[]>();

  async item(owner: string, contact: string): Promise<RosterEntry | null> {
    return this.items.get(`${owner} ${contact}`) ?? null;
  }

  async presence(jid: string) {
    return {
      subscribers: this.subscribers.get(jid) ?? [],
      subscriptions: this.subscriptions.get(jid) ?? [],
    };
  }

  /** `contact` receives `owner`'s presence. */
  share(owner: string, contact: string, groups: string[] = []): void {
    this.items.set(`${owner} ${contact}`, { subscription: 'from', groups });
    this.subscribers.set(owner, [...(this.subscribers.get(owner) ?? []), contact]);
    this.subscriptions.set(contact, [...(this.subscriptions.get(contact) ?? []), owner]);
  }
}

/** What the services sent through StanzaSender. */
export interface Sent {
  to: string;
  /** The node of a PEP notification, filtered by `+notify`. */
  notify?: string;
  stanza: Element;
}

export class RecordingSender {
  readonly sent: Sent[] = [];
  send(to: string, stanza: Element): void {
    this.sent.push({ to, stanza });
  }
  notify(to: string, node: string, stanza: Element): void {
    this.sent.push({ to, notify: node, stanza });
  }
  take(): Sent[] {
    return this.sent.splice(0);
  }
}

export const SERVICE: PubsubHost = { jid: 'pubsub.example.org', pep: false };
export const pep = (jid: string): PubsubHost => ({ jid, pep: true });

const limits = { maxStanzaBytes: 1_048_576, maxDepth: 64 };

/** The services wired as the module wires them, over in-memory records and recording fakes. */
export function pubsubUnderTest(
  config: { PUBSUB_MAX_ITEMS?: number; PUBSUB_MAX_ITEM_BYTES?: number } = {},
) {
  const records = new InMemoryPubsubRecords();
  const rosters = new FakeRosters();
  const sender = new RecordingSender();
  const access = new AccessPolicy(rosters);
  const guard = new NodeGuard(records, access);
  const notifier = new Notifier(sender, records, access, rosters);
  const settings = { PUBSUB_MAX_ITEMS: 10, PUBSUB_MAX_ITEM_BYTES: 1024, ...config };
  const publishing = new PublishingService(records, records, guard, notifier, settings);
  const subscribing = new SubscribingService(records, records, guard, notifier);
  const owner = new OwnerService(records, records, guard, notifier, settings);

  /** Runs an entity request as the IQ handler would, from `from`'s bare JID. */
  async function entity(host: PubsubHost, from: string, type: 'get' | 'set', inner: string) {
    const iq = parseFrame(
      `<iq xmlns='jabber:client' type='${type}' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>${inner}</pubsub></iq>`,
      limits,
    );
    const request = parsePubsubRequest(iq.getChildElements()[0], type);
    switch (request.kind) {
      case 'create':
        return owner.create(host, from, request.node, request.config);
      case 'publish':
        return publishing.publish(host, from, request, iq);
      case 'retract':
        return publishing.retract(host, from, request);
      case 'subscribe':
        return subscribing.subscribe(host, from, request);
      case 'unsubscribe':
        return subscribing.unsubscribe(host, from, request);
      case 'options':
        return subscribing.options(host, from, request);
      case 'items':
        return subscribing.items(host, from, request);
      case 'subscriptions':
        return subscribing.ownSubscriptions(host, from, request.node);
      case 'affiliations':
        return subscribing.ownAffiliations(host, from, request.node);
      case 'default-options':
        return subscribing.defaultOptions(host, request.node);
    }
  }

  async function ownerRequest(host: PubsubHost, from: string, type: 'get' | 'set', inner: string) {
    const payload = parseFrame(
      `<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>${inner}</pubsub>`,
      limits,
    );
    return owner.handle(host, from, parseOwnerRequest(payload, type));
  }

  return { records, rosters, sender, entity, owner: ownerRequest };
}

/** A submitted form of `formType` with these fields. */
export function submitted(formType: string, fields: Record<string, string>): string {
  return (
    `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>${formType}</value></field>` +
    Object.entries(fields)
      .map(([name, value]) => `<field var='${name}'><value>${value}</value></field>`)
      .join('') +
    '</x>'
  );
}
