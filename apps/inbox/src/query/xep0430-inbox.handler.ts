import { Inject, Injectable } from '@nestjs/common';
import type { Element } from '@sotto/xmpp';
import type { IqContext, IqHandler } from '@sotto/xmpp-service';
import { INBOX_CONFIG, type InboxConfig } from '../config/inbox.config';
import { InboxErrorCode, InboxException } from '../inbox/inbox.exception';
import { answer } from './answer';
import { xep0430Query } from './inbox-query';
import { InboxQueryService } from './inbox-query.service';
import { ownInbox } from './own-inbox';
import { NS_INBOX, inboxEntry, inboxFin } from './xep0430-stanzas';

/** XEP-0430: an IQ get of `<inbox/>` sends one message per conversation, then the `<fin/>`. */
@Injectable()
export class Xep0430InboxHandler implements IqHandler {
  readonly namespace = NS_INBOX;

  constructor(
    private readonly queries: InboxQueryService,
    @Inject(INBOX_CONFIG) private readonly config: Pick<InboxConfig, 'INBOX_MAX_RESULT_LIMIT'>,
  ) {}

  get(context: IqContext): Promise<Element> {
    const { from, to, payload, iq } = context;
    return answer(async () => {
      const owner = ownInbox(from, to);
      if (payload.name !== 'inbox') {
        throw new InboxException(InboxErrorCode.BadRequest, 'expected inbox');
      }
      const { query, messages } = xep0430Query(payload, this.config.INBOX_MAX_RESULT_LIMIT);
      const page = await this.queries.query(owner, query);
      // The XEP's example uses the IQ's id; a queryid, as MAM has, is honoured when given.
      const queryId = payload.attrs.queryid ?? iq.attrs.id ?? '';
      for (const entry of page.entries) {
        context.emit(inboxEntry(owner, from.toString(), queryId, entry, messages));
      }
      return inboxFin(page);
    });
  }
}
