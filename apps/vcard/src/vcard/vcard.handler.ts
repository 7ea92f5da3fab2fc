import { standalone } from '@sotto/xmpp';
import { Injectable } from '@nestjs/common';
import type { IqContext, IqHandler } from '@sotto/xmpp-service';
import type { Element } from '@sotto/xmpp';
import { toStanzaError, VcardException } from './vcard.exception';
import { NS_VCARD, VcardService } from './vcard.service';

/** Serves `<vCard xmlns='vcard-temp'/>` IQs; no `to` means the sender's own account. */
@Injectable()
export class VcardHandler implements IqHandler {
  readonly namespace = NS_VCARD;

  constructor(private readonly service: VcardService) {}

  get({ from, to, payload }: IqContext): Promise<Element> {
    return answer(() => this.service.get(from, to, payload));
  }

  async set({ from, to, payload, iq }: IqContext): Promise<undefined> {
    await answer(() => this.service.set(from, to, standalone(payload, NS_VCARD, [iq])));
    return undefined;
  }
}

async function answer<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof VcardException ? toStanzaError(error) : error;
  }
}
