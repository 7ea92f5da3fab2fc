import { describe, it, expect, beforeEach } from 'vitest';
import { QueryFailedError } from 'typeorm';
import type { ArchiveRow } from '../archive/archive-row';
import { BatchHandler, RETRY_DELAY_MS, type RowWriter, type StreamMessage } from './batch-handler';

class FakeMessage implements StreamMessage {
  settled: string[] = [];
  readonly data: Uint8Array;

  constructor(
    readonly seq: number,
    payload: unknown,
  ) {
    this.data = new TextEncoder().encode(JSON.stringify(payload));
  }
  ack(): void {
    this.settled.push('ack');
  }
  nak(delay?: number): void {
    this.settled.push(`nak ${delay}`);
  }
  term(): void {
    this.settled.push('term');
  }
}

class FakeWriter implements RowWriter {
  readonly batches: ArchiveRow[][] = [];
  fail: (rows: readonly ArchiveRow[]) => unknown = () => undefined;
  async write(rows: readonly ArchiveRow[]): Promise<number> {
    const error = this.fail(rows);
    if (error !== undefined) {
      throw error;
    }
    this.batches.push([...rows]);
    return rows.length;
  }
}

let next = 0;
function message(body = 'hi'): FakeMessage {
  next++;
  const id = `018f0f6e-1c2a-7b3c-8d4e-${String(next).padStart(12, '0')}`;
  return new FakeMessage(next, {
    id,
    from: 'juliet@example.org/balcony',
    to: 'romeo@example.org',
    acceptedAt: Date.now(),
    stanza: `<message xmlns='jabber:client' type='chat'><body>${body}</body></message>`,
  });
}

function dataError(): QueryFailedError {
  return new QueryFailedError('INSERT', [], Object.assign(new Error('bad'), { code: '22021' }));
}

describe('BatchHandler', () => {
  let writer: FakeWriter;
  let sut: BatchHandler;

  beforeEach(() => {
    writer = new FakeWriter();
    sut = new BatchHandler(writer);
  });

  it('writes a batch with one write and acknowledges every message after it', async () => {
    const batch = [message(), message(), message()];
    await sut.handle(batch);
    expect(writer.batches).toHaveLength(1);
    expect(writer.batches[0]).toHaveLength(6);
    expect(batch.map((msg) => msg.settled)).toEqual([['ack'], ['ack'], ['ack']]);
  });

  it('acknowledges messages that archive nothing (markers, states) with the rest', async () => {
    const bodiless = new FakeMessage(99, {
      id: '018f0f6e-1c2a-7b3c-8d4e-000000000099',
      from: 'juliet@example.org/balcony',
      to: 'romeo@example.org',
      acceptedAt: Date.now(),
      stanza:
        "<message xmlns='jabber:client'><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
    });
    const good = message();
    await sut.handle([bodiless, good]);
    expect(bodiless.settled).toEqual(['ack']);
    expect(good.settled).toEqual(['ack']);
    expect(writer.batches[0]).toHaveLength(2);
  });

  it('terminates invalid events and archives the others', async () => {
    const invalid = new FakeMessage(1000, { id: 'not-a-uuid' });
    const garbled = new FakeMessage(1001, {
      id: '018f0f6e-1c2a-7b3c-8d4e-000000001001',
      from: 'juliet@example.org/balcony',
      to: 'romeo@example.org',
      acceptedAt: Date.now(),
      stanza: '<message',
    });
    const good = message();
    await sut.handle([invalid, garbled, good]);
    expect(invalid.settled).toEqual(['term']);
    expect(garbled.settled).toEqual(['term']);
    expect(good.settled).toEqual(['ack']);
    expect(writer.batches).toHaveLength(1);
  });

  it('retries the whole batch later when the database is unavailable', async () => {
    writer.fail = () => new Error('connect ECONNREFUSED');
    const batch = [message(), message()];
    await sut.handle(batch);
    expect(batch.map((msg) => msg.settled)).toEqual([
      [`nak ${RETRY_DELAY_MS}`],
      [`nak ${RETRY_DELAY_MS}`],
    ]);
  });

  it('isolates a message the database refuses and archives the rest', async () => {
    writer.fail = (rows) =>
      rows.some((row) => row.stanza.includes('poison')) ? dataError() : undefined;
    const batch = [message(), message('poison'), message()];
    await sut.handle(batch);
    expect(batch.map((msg) => msg.settled)).toEqual([['ack'], ['term'], ['ack']]);
    expect(writer.batches).toHaveLength(2);
  });
});
