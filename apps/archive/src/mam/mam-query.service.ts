import { Inject, Injectable } from '@nestjs/common';
import { xml, type Element } from '@sotto/xmpp';
import { ArchiveErrorCode, ArchiveException } from '../archive/archive.exception';
import type { StoredMessage } from '../archive/archive-row';
import { ArchiveRepository } from '../archive/archive.repository';
import { NS_MAM } from '../archive/namespaces';
import type { ArchiveQuery } from './archive-query';
import { resultMessage, type ResultAddress } from './result-message';
import { resultSet } from './rsm';
import { formatDateTime } from './xmpp-datetime';

export type ArchiveReader = Pick<ArchiveRepository, 'existing' | 'page' | 'count' | 'bounds'>;

/**
 * Most stanza bytes in one page. The result messages travel to the gateway in one bus message
 * (NATS's default max_payload is 1 MiB), so a page of large messages ends early, marked
 * incomplete, and the client pages on; a single message always fits (the gateway caps stanzas).
 */
export const PAGE_BYTES = 512 * 1024;

export interface QueryAnswer {
  /** The result messages, in the order to send them. */
  results: Element[];
  /** The IQ result's `<fin/>`. */
  fin: Element;
}

/** Runs XEP-0313 queries over one owner's archive. */
@Injectable()
export class MamQueryService {
  constructor(@Inject(ArchiveRepository) private readonly archive: ArchiveReader) {}

  async run(owner: string, address: ResultAddress, query: ArchiveQuery): Promise<QueryAnswer> {
    await this.checkIds(owner, query);
    const { filter, page } = query;
    // One more than asked: whether it comes back tells whether the page reached the end.
    const [fetched, count] = await Promise.all([
      this.archive.page(owner, filter, page, page.max + 1),
      this.archive.count(owner, filter),
    ]);
    const taken = fitting(fetched, page.max);
    // 'complete' means the page reaches the end of the result set in its direction: the last
    // message going forward, the first going backward (XEP-0313 §4.3.2).
    const complete = fetched.length === taken.length;
    const ordered = page.direction === 'forward' ? taken : [...taken].reverse();
    const sent = query.flip ? [...ordered].reverse() : ordered;
    return {
      results: sent.map((message) => resultMessage(address, message)),
      fin: xml(
        'fin',
        { xmlns: NS_MAM, complete: String(complete) },
        // first and last follow archive order even on a flipped page, so paging on with
        // <before>first</before> or <after>last</after> works the same either way.
        resultSet(ordered[0]?.id, ordered[ordered.length - 1]?.id, count),
      ),
    };
  }

  /** XEP-0313 §5: the first and last message of the archive; empty for an empty archive. */
  async metadata(owner: string): Promise<Element> {
    const bounds = await this.archive.bounds(owner);
    const edge = (name: string, message: StoredMessage) =>
      xml(name, { id: message.id, timestamp: formatDateTime(message.sentAt) });
    return xml(
      'metadata',
      { xmlns: NS_MAM },
      bounds && [edge('start', bounds.first), edge('end', bounds.last)],
    );
  }

  // XEP-0313 §4.1.1, §4.3.2: every id the query names must be in the archive.
  private async checkIds(owner: string, query: ArchiveQuery): Promise<void> {
    const { filter, page } = query;
    const named = [filter.afterId, filter.beforeId, page.cursor, ...(filter.ids ?? [])].filter(
      (id): id is string => id !== undefined,
    );
    if (named.length === 0) {
      return;
    }
    const found = await this.archive.existing(owner, [...new Set(named)]);
    if (named.some((id) => !found.has(id))) {
      throw new ArchiveException(ArchiveErrorCode.NotFound, 'no such message in the archive');
    }
  }
}

/** The first messages of `fetched` that fit the page: at most `max`, within PAGE_BYTES. */
function fitting(fetched: readonly StoredMessage[], max: number): StoredMessage[] {
  const taken: StoredMessage[] = [];
  let bytes = 0;
  for (const message of fetched.slice(0, max)) {
    bytes += Buffer.byteLength(message.stanza, 'utf8');
    if (taken.length > 0 && bytes > PAGE_BYTES) {
      break;
    }
    taken.push(message);
  }
  return taken;
}
