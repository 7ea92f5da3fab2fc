import { describe, it, expect, beforeEach } from 'vitest';
import type { Element } from '@sotto/xmpp';
import { ArchiveErrorCode } from '../archive/archive.exception';
import type { StoredMessage } from '../archive/archive-row';
import type { ArchiveFilter, ArchiveQuery, PageRequest } from './archive-query';
import { MamQueryService, PAGE_BYTES, type ArchiveReader } from './mam-query.service';

const owner = 'juliet@example.org';
const address = { archive: owner, requester: `${owner}/balcony`, queryId: 'q1' };

function id(n: number): string {
  return `018f0f6e-0000-7000-8000-${String(n).padStart(12, '0')}`;
}

function stored(n: number, body = String(n)): StoredMessage {
  return {
    id: id(n),
    sentAt: new Date(Date.UTC(2024, 4, 1, 10, n)),
    stanza: `<message xmlns='jabber:client' from='romeo@example.org/orchard' to='${owner}' type='chat'><body>${body}</body></message>`,
  };
}

/** One archive in memory; of the filters only `ids` (the SQL is the repository's spec). */
class FakeArchive implements ArchiveReader {
  messages: StoredMessage[] = [];

  async existing(_owner: string, ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((wanted) => this.messages.some((m) => m.id === wanted)));
  }
  async page(
    _owner: string,
    filter: ArchiveFilter,
    page: PageRequest,
    limit: number,
  ): Promise<StoredMessage[]> {
    const matching = this.matching(filter);
    const { cursor } = page;
    if (page.direction === 'forward') {
      return matching.filter((m) => cursor === undefined || m.id > cursor).slice(0, limit);
    }
    return matching
      .filter((m) => cursor === undefined || m.id < cursor)
      .reverse()
      .slice(0, limit);
  }
  async count(_owner: string, filter: ArchiveFilter): Promise<number> {
    return this.matching(filter).length;
  }
  async bounds() {
    const first = this.messages[0];
    const last = this.messages[this.messages.length - 1];
    return first && last ? { first, last } : undefined;
  }
  private matching(filter: ArchiveFilter): StoredMessage[] {
    return this.messages.filter((m) => filter.ids === undefined || filter.ids.includes(m.id));
  }
}

function query(page: Partial<PageRequest> = {}, rest: Partial<ArchiveQuery> = {}): ArchiveQuery {
  return {
    queryId: 'q1',
    filter: {},
    page: { max: 50, direction: 'forward', ...page },
    flip: false,
    ...rest,
  };
}

const resultIds = (results: Element[]) =>
  results.map((message) => message.getChild('result')?.attrs.id);

function fin(element: Element) {
  const set = element.getChild('set');
  return {
    complete: element.attrs.complete,
    first: set?.getChildText('first'),
    last: set?.getChildText('last'),
    count: set?.getChildText('count'),
  };
}

describe('MamQueryService', () => {
  let archive: FakeArchive;
  let sut: MamQueryService;

  beforeEach(() => {
    archive = new FakeArchive();
    archive.messages = [1, 2, 3, 4, 5].map((n) => stored(n));
    sut = new MamQueryService(archive);
  });

  it('sends each message forwarded with its delay stamp and the original stanza', async () => {
    const { results } = await sut.run(owner, address, query({ max: 1 }));
    expect(results[0]?.toString()).toBe(
      `<message xmlns='jabber:client' from='${owner}' to='${owner}/balcony'>` +
        `<result xmlns='urn:xmpp:mam:2' queryid='q1' id='${id(1)}'>` +
        "<forwarded xmlns='urn:xmpp:forward:0'>" +
        "<delay xmlns='urn:xmpp:delay' stamp='2024-05-01T10:01:00.000Z'/>" +
        stored(1).stanza +
        '</forwarded></result></message>',
    );
  });

  it('pages forward to the end, complete only on the last page', async () => {
    const first = await sut.run(owner, address, query({ max: 2 }));
    expect(resultIds(first.results)).toEqual([id(1), id(2)]);
    expect(fin(first.fin)).toEqual({ complete: 'false', first: id(1), last: id(2), count: '5' });
    const middle = await sut.run(owner, address, query({ max: 2, cursor: id(2) }));
    expect(fin(middle.fin)).toMatchObject({ complete: 'false', first: id(3), last: id(4) });
    const last = await sut.run(owner, address, query({ max: 2, cursor: id(4) }));
    expect(resultIds(last.results)).toEqual([id(5)]);
    expect(fin(last.fin)).toEqual({ complete: 'true', first: id(5), last: id(5), count: '5' });
  });

  it('calls a page that ends exactly at the last message complete', async () => {
    const page = await sut.run(owner, address, query({ max: 2, cursor: id(3) }));
    expect(resultIds(page.results)).toEqual([id(4), id(5)]);
    expect(fin(page.fin).complete).toBe('true');
  });

  it('pages backward from the end, in archive order, complete at the first message', async () => {
    const last = await sut.run(owner, address, query({ max: 2, direction: 'backward' }));
    expect(resultIds(last.results)).toEqual([id(4), id(5)]);
    expect(fin(last.fin)).toMatchObject({ complete: 'false', first: id(4), last: id(5) });
    const earlier = await sut.run(
      owner,
      address,
      query({ max: 3, direction: 'backward', cursor: id(4) }),
    );
    expect(resultIds(earlier.results)).toEqual([id(1), id(2), id(3)]);
    expect(fin(earlier.fin)).toMatchObject({ complete: 'true', first: id(1), last: id(3) });
  });

  it('flips a page without changing which messages it holds, or first and last', async () => {
    const flipped = await sut.run(
      owner,
      address,
      query({ max: 2, direction: 'backward' }, { flip: true }),
    );
    expect(resultIds(flipped.results)).toEqual([id(5), id(4)]);
    expect(fin(flipped.fin)).toMatchObject({ first: id(4), last: id(5), complete: 'false' });
  });

  it('answers max 0 with the count only', async () => {
    const counted = await sut.run(owner, address, query({ max: 0 }));
    expect(counted.results).toEqual([]);
    expect(fin(counted.fin)).toEqual({
      complete: 'false',
      first: undefined,
      last: undefined,
      count: '5',
    });
    archive.messages = [];
    expect(fin((await sut.run(owner, address, query({ max: 0 }))).fin)).toMatchObject({
      complete: 'true',
      count: '0',
    });
  });

  it('ends a page early, incomplete, when its stanzas would not fit one bus message', async () => {
    const big = 'x'.repeat(PAGE_BYTES / 3);
    archive.messages = [1, 2, 3, 4].map((n) => stored(n, big));
    const page = await sut.run(owner, address, query({ max: 10 }));
    expect(resultIds(page.results)).toEqual([id(1), id(2)]);
    expect(fin(page.fin)).toMatchObject({ complete: 'false', last: id(2), count: '4' });
    // A message bigger than the budget still comes, alone.
    archive.messages = [stored(1, 'x'.repeat(PAGE_BYTES + 1)), stored(2)];
    expect(resultIds((await sut.run(owner, address, query())).results)).toEqual([id(1)]);
  });

  it.each<[string, ArchiveQuery]>([
    ['an unknown after', query({ cursor: id(9) })],
    ['an unknown before', query({ direction: 'backward', cursor: id(9) })],
    ['an unknown after-id', query({}, { filter: { afterId: id(9) } })],
    ['an unknown before-id', query({}, { filter: { beforeId: id(9) } })],
    ['an unknown id among ids', query({}, { filter: { ids: [id(1), id(9)] } })],
  ])('refuses %s with item-not-found', async (_name, request) => {
    await expect(sut.run(owner, address, request)).rejects.toMatchObject({
      code: ArchiveErrorCode.NotFound,
    });
  });

  it('describes the archive’s first and last message, or nothing for an empty one', async () => {
    expect((await sut.metadata(owner)).toString()).toBe(
      "<metadata xmlns='urn:xmpp:mam:2'>" +
        `<start id='${id(1)}' timestamp='2024-05-01T10:01:00.000Z'/>` +
        `<end id='${id(5)}' timestamp='2024-05-01T10:05:00.000Z'/></metadata>`,
    );
    archive.messages = [];
    expect((await sut.metadata(owner)).toString()).toBe("<metadata xmlns='urn:xmpp:mam:2'/>");
  });
});
