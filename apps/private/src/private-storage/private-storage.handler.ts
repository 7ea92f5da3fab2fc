import { Injectable } from '@nestjs/common';
import type { Element } from '@sotto/xmpp';
import type { IqContext, IqHandler } from '@sotto/xmpp-service';
import { PrivateStorageException, toStanzaError } from './private-storage.exception';
import { NS_PRIVATE, PrivateStorageService } from './private-storage.service';

/** Serves `<query xmlns='jabber:iq:private'/>` IQs; no `to` means the sender's own account. */
@Injectable()
export class PrivateStorageHandler implements IqHandler {
  readonly namespace = NS_PRIVATE;

  constructor(private readonly service: PrivateStorageService) {}

  get({ from, to, payload }: IqContext): Promise<Element> {
    return answer(() => this.service.get(from, to, payload));
  }

  async set({ from, to, payload, iq }: IqContext): Promise<undefined> {
    await answer(() => this.service.set(from, to, payload, [iq]));
    return undefined;
  }
}

async function answer<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof PrivateStorageException ? toStanzaError(error) : error;
  }
}
