import { describe, expect, it } from 'vitest';
import type { ObjectStoreMeta } from '@nats-io/obj';
import { collectLogLines, type LogLines } from './collect-logs';

/** Reads each put stream to its end, as the real store does. */
class FakeStore {
  readonly objects = new Map<string, string>();
  chunks = 0;
  async put(meta: ObjectStoreMeta, stream: ReadableStream<Uint8Array>): Promise<never> {
    let text = '';
    const reader = stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      this.chunks++;
      text += new TextDecoder().decode(read.value);
    }
    this.objects.set(meta.name, text);
    return undefined as never;
  }
}

function logsOf(lines: string[]): LogLines & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async *linesContaining(text: string) {
      asked.push(text);
      yield* lines.filter((line) => line.includes(text));
    },
  };
}

const target = { jobId: '7d8f0b2c-5e1a-4c3b-9a6d-2f4e8b1c0a9e', service: 'vcard' };

describe('collectLogLines', () => {
  it('puts the lines naming the pseudonym into the job’s log object', async () => {
    const store = new FakeStore();
    const logs = logsOf(['a p:one', 'b p:two', 'c p:one']);

    const sut = await collectLogLines(store, logs, target, 'p:one');

    const object = `${target.jobId}/vcard/service.log`;
    expect(sut).toEqual({ lines: 2, object });
    expect(store.objects.get(object)).toBe('a p:one\nc p:one\n');
    expect(logs.asked).toEqual(['p:one']);
  });

  it('makes no object when no line names the pseudonym', async () => {
    const store = new FakeStore();
    expect(await collectLogLines(store, logsOf(['b p:two']), target, 'p:one')).toEqual({
      lines: 0,
    });
    expect(store.objects.size).toBe(0);
  });

  it('sends many lines in chunks, not one message per line', async () => {
    const store = new FakeStore();
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} p:one`);

    const sut = await collectLogLines(store, logsOf(lines), target, 'p:one');

    expect(sut.lines).toBe(20_000);
    expect(store.objects.get(sut.object!)).toBe(lines.join('\n') + '\n');
    expect(store.chunks).toBeGreaterThan(1);
    expect(store.chunks).toBeLessThan(20);
  });
});
