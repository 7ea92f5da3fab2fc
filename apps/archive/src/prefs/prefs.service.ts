import { Inject, Injectable, Logger } from '@nestjs/common';
import { pseudonym } from '@sotto/logging';
import type { Element } from '@sotto/xmpp';
import { DEFAULT_PREFS } from './archive-prefs';
import { parsePrefs, prefsElement } from './prefs-element';
import { PrefsRepository } from './prefs.repository';

export type PrefsStore = Pick<PrefsRepository, 'find' | 'save'>;

/** XEP-0441: an owner reads and replaces their archiving preferences. */
@Injectable()
export class PrefsService {
  private readonly logger = new Logger('archive-prefs');

  constructor(@Inject(PrefsRepository) private readonly store: PrefsStore) {}

  async get(owner: string): Promise<Element> {
    return prefsElement((await this.store.find(owner)) ?? DEFAULT_PREFS);
  }

  /** Stores the preferences `request` carries and answers with them, as stored. */
  async set(owner: string, request: Element): Promise<Element> {
    const prefs = parsePrefs(request);
    await this.store.save(owner, prefs);
    this.logger.debug(`stored the archiving preferences of ${pseudonym(owner)}`);
    return prefsElement(prefs);
  }
}
