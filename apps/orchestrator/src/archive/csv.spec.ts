import { describe, it, expect } from 'vitest';
import { csvField, csvHeader, csvLine } from './csv';

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
});
