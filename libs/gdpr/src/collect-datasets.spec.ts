import { describe, it, expect } from 'vitest';
import type { ObjectStoreMeta } from '@nats-io/obj';
import { collectDatasets, type ObjectWriter } from './collect-datasets';
import type { PutOptions } from './export-objects';
import { GdprContractError } from './gdpr-contract.error';
import type { CollectedPage, ProvidedPage } from './gdpr-data-provider';

/** Reads each put stream to its end, as the real store does, and keeps the text. */
class FakeStore implements ObjectWriter {
  readonly objects = new Map<string, string>();
  readonly chunks: string[] = [];
  readonly chunkPrefixes = new Map<string, string | undefined>();
  async put(
    meta: ObjectStoreMeta,
    stream: ReadableStream<Uint8Array>,
    options?: PutOptions,
  ): Promise<never> {
    this.chunkPrefixes.set(meta.name, options?.chunkPrefix);
    let text = '';
    const reader = stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const chunk = new TextDecoder().decode(read.value);
      this.chunks.push(chunk);
      text += chunk;
    }
    this.objects.set(meta.name, text);
    return undefined as never;
  }
}

const target = {
  jobId: '7d8f0b2c-5e1a-4c3b-9a6d-2f4e8b1c0a9e',
  service: 'roster',
  datasets: [
    { name: 'roster', columns: ['jid', 'name'] },
    { name: 'groups', columns: ['name'] },
    { name: 'blocked', columns: ['jid'] },
  ],
};

async function* pages(...list: ProvidedPage[]): AsyncGenerator<ProvidedPage> {
  for (const page of list) {
    yield page;
  }
}

const prefix = `${target.jobId}/roster`;

/** What both kinds of pages below must give: roster's three rows, groups' one, blocked none. */
function expectTargetDatasets(
  sut: Awaited<ReturnType<typeof collectDatasets>>,
  store: FakeStore,
  roster: string,
): void {
  expect(sut).toEqual([
    { name: 'roster', rows: 3, object: `${prefix}/roster.ndjson` },
    { name: 'groups', rows: 1, object: `${prefix}/groups.ndjson` },
    { name: 'blocked', rows: 0, object: `${prefix}/blocked.ndjson` },
  ]);
  expect(store.objects.get(`${prefix}/roster.ndjson`)).toBe(roster);
  expect(store.objects.get(`${prefix}/groups.ndjson`)).toBe('{"name":"friends"}\n');
  expect(store.objects.get(`${prefix}/blocked.ndjson`)).toBe('');
  // One chunk per non-empty page: the dataset was streamed, not gathered first.
  expect(store.chunks).toHaveLength(3);
}

describe('collectDatasets', () => {
  it('writes each dataset as NDJSON, page by page, and an empty object for a silent one', async () => {
    const store = new FakeStore();
    const sut = await collectDatasets(
      store,
      target,
      pages(
        { dataset: 'roster', rows: [{ jid: 'a@x', name: 'A' }] },
        { dataset: 'roster', rows: [] },
        {
          dataset: 'roster',
          rows: [
            { jid: 'b@x', name: 'B' },
            { jid: 'c@x', name: null },
          ],
        },
        { dataset: 'groups', rows: [{ name: 'friends' }] },
      ),
    );

    expectTargetDatasets(
      sut,
      store,
      '{"jid":"a@x","name":"A"}\n{"jid":"b@x","name":"B"}\n{"jid":"c@x","name":null}\n',
    );
    // Chunks under the job's prefix, which the orchestrator follows while they are written.
    expect(store.chunkPrefixes.get(`${prefix}/roster.ndjson`)).toBe(
      `${target.jobId}.roster.roster`,
    );
  });

  it('writes serialised pages as they are, counting their rows, before a dataset of rows', async () => {
    const store = new FakeStore();
    const sut = await collectDatasets(
      store,
      target,
      pages(
        { dataset: 'roster', ndjson: '{"jid":"a@x","name":"Ä \\"A\\""}\n', count: 1 },
        { dataset: 'roster', ndjson: '', count: 0 },
        {
          dataset: 'roster',
          ndjson: '{"jid":"b@x","name":"B"}\n{"jid":"c@x","name":null}\n',
          count: 2,
        },
        { dataset: 'groups', rows: [{ name: 'friends' }] },
        { dataset: 'blocked', ndjson: '', count: 0 },
      ),
    );

    expectTargetDatasets(
      sut,
      store,
      '{"jid":"a@x","name":"Ä \\"A\\""}\n{"jid":"b@x","name":"B"}\n{"jid":"c@x","name":null}\n',
    );
  });

  it('refuses serialised text that does not end in a newline, and lets the provider clean up', async () => {
    let finished = false;
    async function* provider(): AsyncGenerator<ProvidedPage> {
      try {
        yield { dataset: 'roster', ndjson: '{"jid":"a@x"}\n{"jid":"b@x"}', count: 2 };
        yield { dataset: 'roster', ndjson: '{"jid":"c@x"}\n', count: 1 };
      } finally {
        finished = true;
      }
    }
    await expect(collectDatasets(new FakeStore(), target, provider())).rejects.toMatchObject({
      name: 'GdprContractError',
      message: 'roster yielded roster text not ending in a newline',
    });
    expect(finished).toBe(true);
  });

  it('refuses serialised text whose lines are not as many as its count', async () => {
    const miscounted = pages({
      dataset: 'roster',
      ndjson: '{"jid":"a@x"}\n{"jid":"b@x"}\n',
      count: 3,
    });
    await expect(collectDatasets(new FakeStore(), target, miscounted)).rejects.toMatchObject({
      name: 'GdprContractError',
      message: 'roster yielded roster text of 2 line(s) as 3 row(s)',
    });
    const countedEmpty = pages({ dataset: 'groups', ndjson: '', count: 1 });
    await expect(collectDatasets(new FakeStore(), target, countedEmpty)).rejects.toThrow(
      GdprContractError,
    );
  });

  it('asks the provider for a page only when the store has taken the previous one', async () => {
    const store = new FakeStore();
    const asked: number[] = [];
    async function* lazy(): AsyncGenerator<CollectedPage> {
      for (let page = 0; page < 3; page++) {
        asked.push(page);
        // By the time page n is asked for, page n - 1 has reached the store.
        expect(store.chunks).toHaveLength(page);
        yield { dataset: 'roster', rows: [{ page }] };
      }
    }
    await collectDatasets(store, target, lazy());
    expect(asked).toEqual([0, 1, 2]);
  });

  it('refuses an undeclared dataset and lets the provider clean up', async () => {
    let finished = false;
    async function* provider(): AsyncGenerator<CollectedPage> {
      try {
        yield { dataset: 'roster', rows: [{ jid: 'a@x' }] };
        yield { dataset: 'secret', rows: [{ x: 1 }] };
        yield { dataset: 'groups', rows: [] };
      } finally {
        finished = true;
      }
    }
    await expect(collectDatasets(new FakeStore(), target, provider())).rejects.toThrow(
      GdprContractError,
    );
    expect(finished).toBe(true);
  });

  it('refuses a dataset yielded again after another one', async () => {
    const again = pages(
      { dataset: 'roster', rows: [{ jid: 'a@x' }] },
      { dataset: 'groups', rows: [{ name: 'g' }] },
      { dataset: 'roster', rows: [{ jid: 'b@x' }] },
    );
    await expect(collectDatasets(new FakeStore(), target, again)).rejects.toThrow(/again/);
  });

  it('fails when the provider fails', async () => {
    async function* failing(): AsyncGenerator<CollectedPage> {
      yield { dataset: 'roster', rows: [{ jid: 'a@x' }] };
      throw new Error('database gone');
    }
    await expect(collectDatasets(new FakeStore(), target, failing())).rejects.toThrow(
      'database gone',
    );
  });
});
