import { Jid, JidError, xml, type Element } from '@sotto/xmpp';
import { ArchiveErrorCode, ArchiveException } from '../archive/archive.exception';
import { NS_MAM } from '../archive/namespaces';
import { DEFAULT_MODES, MAX_PREF_JIDS, type ArchivePrefs, type DefaultMode } from './archive-prefs';

/** `<prefs xmlns='urn:xmpp:mam:2' default='…'><always/><never/></prefs>` (XEP-0441 §2.1). */
export function prefsElement(prefs: ArchivePrefs): Element {
  const jids = (list: readonly string[]) => list.map((jid) => xml('jid', {}, jid));
  return xml(
    'prefs',
    { xmlns: NS_MAM, default: prefs.defaultMode },
    xml('always', {}, jids(prefs.always)),
    xml('never', {}, jids(prefs.never)),
  );
}

/**
 * The preferences a `<prefs/>` set asks for. JIDs are matched as bare JIDs (XEP-0441 §2.2), so a
 * full JID is kept as its bare JID; a JID in both lists is refused as contradictory.
 */
export function parsePrefs(element: Element): ArchivePrefs {
  const defaultMode = element.attrs.default;
  if (!isDefaultMode(defaultMode)) {
    throw new ArchiveException(
      ArchiveErrorCode.BadRequest,
      "default must be 'always', 'never' or 'roster'",
    );
  }
  const always = jidList(element.getChild('always'));
  const never = jidList(element.getChild('never'));
  if (always.some((jid) => never.includes(jid))) {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, 'a JID is in both always and never');
  }
  return { defaultMode, always, never };
}

function isDefaultMode(value: string | undefined): value is DefaultMode {
  return DEFAULT_MODES.includes(value as DefaultMode);
}

function jidList(list: Element | undefined): string[] {
  const jids = new Set<string>();
  for (const item of list?.getChildren('jid') ?? []) {
    try {
      jids.add(Jid.parse(item.text().trim()).bareString());
    } catch (error) {
      if (error instanceof JidError) {
        throw new ArchiveException(ArchiveErrorCode.BadRequest, 'not a JID in the preferences');
      }
      throw error;
    }
  }
  if (jids.size > MAX_PREF_JIDS) {
    throw new ArchiveException(ArchiveErrorCode.BadRequest, `at most ${MAX_PREF_JIDS} JIDs a list`);
  }
  return [...jids].sort();
}
