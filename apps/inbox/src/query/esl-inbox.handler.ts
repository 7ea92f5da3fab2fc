import { Inject, Injectable } from '@nestjs/common';
import { xml, type Element } from '@sotto/xmpp';
import type { IqContext, IqHandler } from '@sotto/xmpp-service';
import { INBOX_CONFIG, type InboxConfig } from '../config/inbox.config';
import { InboxErrorCode, InboxException } from '../inbox/inbox.exception';
import { answer } from './answer';
import { ConversationService } from './conversation.service';
import { NS_ESL_INBOX, eslFin, eslQueryForm, eslResult } from './esl-stanzas';
import { eslInboxQuery } from './inbox-query';
import { InboxQueryService } from './inbox-query.service';
import { ownInbox } from './own-inbox';

/**
 * MongooseIM's inbox queries: a get returns the query form, a set of `<inbox/>` sends one
 * result message per conversation then the `<fin/>`, a set of `<empty-bin/>` empties the bin.
 */
@Injectable()
export class EslInboxHandler implements IqHandler {
  readonly namespace = NS_ESL_INBOX;

  constructor(
    private readonly queries: InboxQueryService,
    private readonly conversations: ConversationService,
    @Inject(INBOX_CONFIG) private readonly config: Pick<InboxConfig, 'INBOX_MAX_RESULT_LIMIT'>,
  ) {}

  get({ from, to, payload }: IqContext): Promise<Element> {
    return answer(() => {
      ownInbox(from, to);
      return Promise.resolve(xml(payload.name, { xmlns: NS_ESL_INBOX }, eslQueryForm()));
    });
  }

  set(context: IqContext): Promise<Element> {
    const { from, to, payload, iq } = context;
    return answer(async () => {
      const owner = ownInbox(from, to);
      if (payload.name === 'empty-bin') {
        const removed = await this.conversations.emptyBin(owner);
        return xml('empty-bin', { xmlns: NS_ESL_INBOX }, xml('num', {}, String(removed)));
      }
      if (payload.name !== 'inbox') {
        throw new InboxException(InboxErrorCode.BadRequest, 'expected inbox or empty-bin');
      }
      const query = eslInboxQuery(payload, this.config.INBOX_MAX_RESULT_LIMIT);
      const page = await this.queries.query(owner, query);
      // MongooseIM: the IQ's id when the query names no queryid.
      const queryId = payload.attrs.queryid ?? iq.attrs.id ?? '';
      for (const entry of page.entries) {
        context.emit(eslResult(owner, from.toString(), queryId, entry));
      }
      return eslFin(page);
    });
  }
}
