import { Injectable } from '@nestjs/common';
import { xml, type Element } from '@sotto/xmpp';
import type { IqContext, IqHandler } from '@sotto/xmpp-service';
import { answering, ArchiveErrorCode, ArchiveException } from '../archive/archive.exception';
import { NS_MAM } from '../archive/namespaces';
import { PrefsService } from '../prefs/prefs.service';
import { MamQueryService } from './mam-query.service';
import { queryForm } from './query-form';
import { parseQuery } from './query-request';

/**
 * Serves `urn:xmpp:mam:2` IQs on the requester's own archive: queries (XEP-0313), their form
 * and the archive's metadata, and preferences (XEP-0441).
 */
@Injectable()
export class MamHandler implements IqHandler {
  readonly namespace = NS_MAM;

  constructor(
    private readonly queries: MamQueryService,
    private readonly prefs: PrefsService,
  ) {}

  get(context: IqContext): Promise<Element> {
    return answering(async () => {
      const owner = ownArchive(context);
      switch (context.payload.name) {
        case 'query':
          return xml('query', { xmlns: NS_MAM }, queryForm());
        case 'metadata':
          return this.queries.metadata(owner);
        case 'prefs':
          return this.prefs.get(owner);
        default:
          throw new ArchiveException(ArchiveErrorCode.BadRequest, 'not an archive request');
      }
    });
  }

  set(context: IqContext): Promise<Element> {
    return answering(async () => {
      const owner = ownArchive(context);
      switch (context.payload.name) {
        case 'query': {
          const query = parseQuery(context.payload);
          const address = {
            archive: owner,
            requester: context.from.toString(),
            ...(query.queryId === undefined ? {} : { queryId: query.queryId }),
          };
          const answer = await this.queries.run(owner, address, query);
          // XEP-0313 §4.2: every result message before the IQ result.
          for (const message of answer.results) {
            context.emit(message);
          }
          return answer.fin;
        }
        case 'prefs':
          return this.prefs.set(owner, context.payload);
        default:
          throw new ArchiveException(ArchiveErrorCode.BadRequest, 'not an archive request');
      }
    });
  }
}

/**
 * The archive an IQ may use: the requester's own, addressed to their bare JID or to no account
 * (the server). XEP-0313 §7.1: anyone else's archive is forbidden.
 */
function ownArchive({ from, to }: IqContext): string {
  const owner = from.bare();
  if (to !== undefined && !to.bare().equals(owner)) {
    throw new ArchiveException(ArchiveErrorCode.Forbidden, 'only the owner may use an archive');
  }
  return owner.bareString();
}
