import { Injectable } from '@nestjs/common';
import { xml, type Element } from '@sotto/xmpp';
import { StanzaSender, type IqContext, type IqHandler } from '@sotto/xmpp-service';
import { InboxErrorCode, InboxException } from '../inbox/inbox.exception';
import { answer } from './answer';
import { conversationJid, propertyRequest } from './conversation-request';
import { ConversationService } from './conversation.service';
import {
  NS_ESL_CONVERSATION,
  entryProperties,
  eslConversationForm,
  eslPropertiesUpdate,
} from './esl-stanzas';
import { ownInbox } from './own-inbox';
import { forwarded } from './result-message';

/**
 * MongooseIM's per-conversation requests: get an entry's properties (or the whole entry, or the
 * properties form), set them (box, archive, read, mute), and the reset of its unread count.
 */
@Injectable()
export class EslConversationHandler implements IqHandler {
  readonly namespace = NS_ESL_CONVERSATION;

  constructor(
    private readonly conversations: ConversationService,
    private readonly sender: StanzaSender,
  ) {}

  get({ from, to, payload }: IqContext): Promise<Element> {
    return answer(async () => {
      const owner = ownInbox(from, to);
      expectName(payload, 'query');
      if (payload.attrs.jid === undefined) {
        return xml('query', { xmlns: NS_ESL_CONVERSATION }, eslConversationForm());
      }
      const remote = conversationJid(payload);
      const entry = await this.conversations.entry(owner, remote);
      const complete = payload.attrs.complete === 'true';
      return xml(
        'query',
        { xmlns: NS_ESL_CONVERSATION, jid: remote },
        complete && forwarded(entry),
        ...entryProperties(entry),
      );
    });
  }

  set({ from, to, payload, iq }: IqContext): Promise<Element | undefined> {
    return answer(async () => {
      const owner = ownInbox(from, to);
      if (payload.name === 'reset') {
        await this.conversations.reset(owner, conversationJid(payload));
        return xml('reset', { xmlns: NS_ESL_CONVERSATION });
      }
      expectName(payload, 'query');
      const remote = conversationJid(payload);
      const entry = await this.conversations.update(owner, remote, propertyRequest(payload));
      // Every session of the owner learns the new state, to keep their views in step.
      const queryId = payload.attrs.queryid ?? iq.attrs.id ?? '';
      this.sender.send(owner, eslPropertiesUpdate(owner, queryId, entry));
      return undefined;
    });
  }
}

function expectName(payload: Element, name: string): void {
  if (payload.name !== name) {
    throw new InboxException(InboxErrorCode.BadRequest, `expected ${name}`);
  }
}
