import { Inject, Injectable } from '@nestjs/common';
import type { Element } from '@sotto/xmpp';
import type { IqContext, IqHandler } from '@sotto/xmpp-service';
import { ROSTER_CONFIG, type RosterConfig } from '../config/roster.config';
import { NS_ROSTER } from './roster-item';
import { parseRosterSet } from './roster-request';
import { RosterErrorCode, RosterException, toStanzaError } from './roster.exception';
import { RosterService } from './roster.service';

/** Serves `jabber:iq:roster` get and set IQs the gateway forwards. */
@Injectable()
export class RosterIqHandler implements IqHandler {
  readonly namespace = NS_ROSTER;

  constructor(
    private readonly roster: RosterService,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  async get(context: IqContext): Promise<Element | undefined> {
    return this.answer(async () => {
      const owner = ownerOf(context);
      if (context.payload.name !== 'query' || context.payload.getChildElements().length > 0) {
        throw new RosterException(RosterErrorCode.Malformed, 'a roster get is an empty query');
      }
      return this.roster.get(owner, context.payload.attrs.ver);
    });
  }

  async set(context: IqContext): Promise<Element | undefined> {
    return this.answer(async () => {
      const owner = ownerOf(context);
      const request = parseRosterSet(context.payload, {
        maxNameLength: this.config.ROSTER_MAX_NAME_LENGTH,
        maxGroups: this.config.ROSTER_MAX_GROUPS,
      });
      await this.roster.set(owner, request);
      return undefined;
    });
  }

  private async answer(work: () => Promise<Element | undefined>): Promise<Element | undefined> {
    try {
      return await work();
    } catch (error) {
      throw error instanceof RosterException ? toStanzaError(error) : error;
    }
  }
}

// RFC 6121 §2.1.3: only one's own roster; an IQ to another account is refused.
function ownerOf(context: IqContext): string {
  const owner = context.from.bareString();
  if (context.to !== undefined && context.to.bareString() !== owner) {
    throw new RosterException(RosterErrorCode.Forbidden, 'only one’s own roster');
  }
  return owner;
}
