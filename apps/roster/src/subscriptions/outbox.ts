import { randomBytes } from 'node:crypto';
import { NS_CLIENT, xml, type Element } from '@sotto/xmpp';
import { itemElement, rosterQuery, type RosterItem } from '../roster/roster-item';

/** What the outbox needs to send: `StanzaSender`'s one method. */
export interface StanzaOut {
  send(to: string, stanza: Element): void;
}

type ItemChange = { item: RosterItem } | { removed: string };

/**
 * What a roster change has to tell users, gathered while its transaction runs and sent only once
 * it has committed: roster pushes (RFC 6121 §2.1.6) and presence stanzas, in order.
 */
export class Outbox {
  private readonly changes = new Map<string, Map<string, ItemChange>>();
  private readonly stanzas: { to: string; stanza: Element }[] = [];
  private versions = new Map<string, number>();

  /** The owner's item changed (the last change of an item wins). */
  push(owner: string, change: ItemChange): void {
    let changes = this.changes.get(owner);
    if (!changes) {
      changes = new Map();
      this.changes.set(owner, changes);
    }
    changes.set('item' in change ? change.item.contact : change.removed, change);
  }

  send(to: string, stanza: Element): void {
    this.stanzas.push({ to, stanza });
  }

  /** Whose roster changed: their versions must be increased before the pushes go out. */
  changedOwners(): string[] {
    return [...this.changes.keys()];
  }

  setVersions(versions: Map<string, number>): void {
    this.versions = versions;
  }

  /** Sends everything, pushes first; `skip` leaves out addressees (an erased user). */
  flush(sender: StanzaOut, skip: (to: string) => boolean = () => false): void {
    for (const [owner, changes] of this.changes) {
      const version = this.versions.get(owner);
      if (skip(owner) || version === undefined) {
        continue;
      }
      for (const change of changes.values()) {
        sender.send(owner, rosterPush(owner, change, version));
      }
    }
    for (const { to, stanza } of this.stanzas) {
      if (!skip(to)) {
        sender.send(to, stanza);
      }
    }
  }
}

function rosterPush(owner: string, change: ItemChange, version: number): Element {
  const item =
    'item' in change
      ? itemElement(change.item)
      : xml('item', { jid: change.removed, subscription: 'remove' });
  return xml(
    'iq',
    { xmlns: NS_CLIENT, type: 'set', id: `push-${randomBytes(6).toString('hex')}`, to: owner },
    rosterQuery(version, [item]),
  );
}
