import { Inject, Injectable, Logger } from '@nestjs/common';
import { pseudonym } from '@sotto/logging';
import { xml, type Element, type Jid, parseStored } from '@sotto/xmpp';
import { VCARD_CONFIG, type VcardConfig } from '../config/vcard.config';
import { VcardErrorCode, VcardException } from './vcard.exception';
import { VcardRepository } from './vcard.repository';

export const NS_VCARD = 'vcard-temp';

// What the service needs from its repository, so unit tests can hand in a small fake.
export type VcardStore = Pick<VcardRepository, 'find' | 'save' | 'delete'>;

/** XEP-0054: anyone of the domain reads a vCard, only its owner writes it. */
@Injectable()
export class VcardService {
  private readonly logger = new Logger('vcard');
  private readonly maxBytes: number;

  constructor(
    @Inject(VcardRepository) private readonly store: VcardStore,
    @Inject(VCARD_CONFIG) config: Pick<VcardConfig, 'VCARD_MAX_BYTES'>,
  ) {
    this.maxBytes = config.VCARD_MAX_BYTES;
  }

  /**
   * The vCard of `target`, or of the requester when there is none. Nothing stored: an empty
   * vCard for one's own; for another's, `NotFound` whether or not the account exists, so that a
   * read tells nothing about who has an account.
   */
  async get(requester: Jid, target: Jid | undefined, request: Element): Promise<Element> {
    checkElement(request);
    const owner = requester.bare();
    const own = target === undefined || target.bare().equals(owner);
    const stored = await this.store.find((own ? owner : target.bare()).bareString());
    if (stored !== undefined) {
      return parseStored(stored);
    }
    if (!own) {
      throw new VcardException(VcardErrorCode.NotFound, 'no vCard');
    }
    return xml('vCard', { xmlns: NS_VCARD });
  }

  /**
   * Replaces the requester's vCard with `vcard` (already standalone); an empty one deletes it.
   * Throws `Forbidden` when `target` is another account: a vCard is written by its owner only.
   */
  async set(requester: Jid, target: Jid | undefined, vcard: Element): Promise<void> {
    checkElement(vcard);
    const owner = requester.bare();
    if (target !== undefined && !target.bare().equals(owner)) {
      throw new VcardException(VcardErrorCode.Forbidden, 'only the owner may set a vCard');
    }
    const ownerJid = owner.bareString();
    if (isEmpty(vcard)) {
      await this.store.delete(ownerJid);
      this.logger.debug(`deleted the vCard of ${pseudonym(ownerJid)}`);
      return;
    }
    const serialised = vcard.toString();
    if (Buffer.byteLength(serialised, 'utf8') > this.maxBytes) {
      throw new VcardException(
        VcardErrorCode.TooLarge,
        `a vCard may have at most ${this.maxBytes} bytes`,
      );
    }
    await this.store.save(ownerJid, serialised);
    this.logger.debug(`stored the vCard of ${pseudonym(ownerJid)}`);
  }
}

// The handler is chosen by namespace alone; only `<vCard/>` belongs to XEP-0054.
function checkElement(element: Element): void {
  if (element.name !== 'vCard') {
    throw new VcardException(VcardErrorCode.BadRequest, 'expected a vCard element');
  }
}

function isEmpty(vcard: Element): boolean {
  return vcard.getChildElements().length === 0 && vcard.text().trim() === '';
}
