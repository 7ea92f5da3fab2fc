import { describe, it, expect } from 'vitest';
import { LineTransform, type DatasetPiece } from './dataset-transform';

const columns = ['jid', 'name'];

function run(chunks: Buffer[]): { json: string; csv: string; rows: number } {
  const transform = new LineTransform('roster/roster', columns);
  const pieces: DatasetPiece[] = [...chunks.map((chunk) => transform.push(chunk)), transform.end()];
  return {
    json: Buffer.concat(pieces.map((p) => p.json)).toString('utf8'),
    csv: Buffer.concat(pieces.map((p) => p.csv)).toString('utf8'),
    rows: pieces.reduce((sum, p) => sum + p.rows, 0),
  };
}

/** `bytes` cut every `size` bytes: lines and characters split as the object store splits them. */
function cut(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    chunks.push(bytes.subarray(at, at + size));
  }
  return chunks;
}

describe('LineTransform', () => {
  const ndjson = Buffer.from(
    '{"jid":"bob@example.org","name":"Bøb ✓"}\n\n  \n{"jid":"carol@example.org","name":"=2+2"}\r\n' +
      '{"jid":"dave@example.org","extra":[1]}',
  );
  const expected = {
    json:
      '\n{"jid":"bob@example.org","name":"Bøb ✓"}' +
      ',\n{"jid":"carol@example.org","name":"=2+2"}\r' +
      ',\n{"jid":"dave@example.org","extra":[1]}',
    csv: 'bob@example.org,Bøb ✓\r\n' + `carol@example.org,"'=2+2"\r\n` + 'dave@example.org,\r\n',
    rows: 3,
  };

  it('gives the same JSON elements and CSV records however the object is cut', () => {
    for (const size of [1, 2, 3, 7, 40, 41, 42, 1000]) {
      expect(run(cut(ndjson, size)), `chunks of ${size}`).toEqual(expected);
    }
  });

  it('names the line that is not UTF-8, not JSON or not an object', () => {
    const bad = (text: Buffer | string) => () =>
      run(cut(Buffer.concat([Buffer.from('{"jid":"a"}\n\n'), Buffer.from(text)]), 5));
    expect(bad(Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a]))).toThrow(
      'roster/roster: line 3 is not UTF-8',
    );
    expect(bad('{"jid":"b"}\n{"jid": oops}\n')).toThrow('roster/roster: line 4 is not JSON');
    expect(bad('["x"]')).toThrow('roster/roster: line 3 is not a JSON object');
    expect(bad('null\n')).toThrow('roster/roster: line 3 is not a JSON object');
  });

  it('gives nothing for an empty object', () => {
    expect(run([])).toEqual({ json: '', csv: '', rows: 0 });
    expect(run([Buffer.from('\n\n')])).toEqual({ json: '', csv: '', rows: 0 });
  });
});
