import { Jid, JidError, type Element } from '@sotto/xmpp';
import { RosterErrorCode, RosterException } from './roster.exception';

export interface RosterLimits {
  maxNameLength: number;
  maxGroups: number;
}

/** A roster set, checked (RFC 6121 §2.3–§2.5). */
export type RosterSet =
  | { kind: 'update'; contact: string; name: string | null; groups: string[] }
  | { kind: 'remove'; contact: string };

/** Parses the `<query/>` of a roster set; throws `RosterException` for what §2.3.3 refuses. */
export function parseRosterSet(query: Element, limits: RosterLimits): RosterSet {
  const children = query.getChildElements();
  const item = children[0];
  if (query.name !== 'query' || children.length !== 1 || item?.name !== 'item') {
    throw new RosterException(RosterErrorCode.Malformed, 'a roster set holds exactly one item');
  }
  const contact = itemJid(item.attrs.jid);
  // §2.1.5: in a roster set, every subscription value other than "remove" is ignored.
  if (item.attrs.subscription === 'remove') {
    return { kind: 'remove', contact };
  }
  const name = item.attrs.name ?? '';
  if ([...name].length > limits.maxNameLength) {
    throw new RosterException(RosterErrorCode.NotAcceptable, 'the name is too long');
  }
  const groups = item.getChildElements().map((child) => groupName(child, limits));
  if (groups.length > limits.maxGroups) {
    throw new RosterException(RosterErrorCode.NotAcceptable, 'too many groups');
  }
  if (new Set(groups).size !== groups.length) {
    throw new RosterException(RosterErrorCode.Malformed, 'a group is named twice');
  }
  return { kind: 'update', contact, name: name === '' ? null : name, groups };
}

function itemJid(jid: string | undefined): string {
  if (jid === undefined) {
    throw new RosterException(RosterErrorCode.Malformed, 'the item has no jid');
  }
  try {
    return Jid.parse(jid).toString();
  } catch (error) {
    if (error instanceof JidError) {
      throw new RosterException(RosterErrorCode.InvalidJid, 'the item jid is invalid');
    }
    throw error;
  }
}

function groupName(child: Element, limits: RosterLimits): string {
  if (child.name !== 'group') {
    throw new RosterException(RosterErrorCode.Malformed, 'an item holds only groups');
  }
  const name = child.text();
  if (name === '') {
    throw new RosterException(RosterErrorCode.NotAcceptable, 'a group name is empty');
  }
  if ([...name].length > limits.maxNameLength) {
    throw new RosterException(RosterErrorCode.NotAcceptable, 'a group name is too long');
  }
  return name;
}
