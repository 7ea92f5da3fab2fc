import { describe, it, expect } from 'vitest';
import { cursorOf, parseCursor } from './inbox-cursor';
import { microsToIso, parseDateTime } from './xmpp-datetime';

describe('XEP-0082 date-times', () => {
  it('parses to microseconds, with fractions and offsets', () => {
    const noon = Date.UTC(2018, 6, 10, 12) * 1000;
    expect(parseDateTime('2018-07-10T12:00:00Z')).toBe(noon);
    expect(parseDateTime('2018-07-10T12:00:00.5Z')).toBe(noon + 500_000);
    expect(parseDateTime('2018-07-10T12:00:00.123456789Z')).toBe(noon + 123_456);
    expect(parseDateTime('2018-07-10T14:30:00+02:30')).toBe(noon);
    expect(parseDateTime('2018-07-10T09:00:00-03:00')).toBe(noon);
  });

  it.each([
    '2018-07-10',
    '2018-07-10T12:00:00',
    '2018-02-30T00:00:00Z',
    '2018-07-10T24:00:00Z',
    'x',
  ])('refuses %s', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });

  it('formats with microseconds and round-trips', () => {
    const micros = Date.UTC(2018, 6, 10, 23, 8, 25) * 1000 + 123_456;
    expect(microsToIso(micros)).toBe('2018-07-10T23:08:25.123456Z');
    expect(parseDateTime(microsToIso(micros))).toBe(micros);
  });
});

describe('RSM ids', () => {
  it('encodes time and JID as MongooseIM does, and decodes them', () => {
    const entry = { lastAt: new Date(Date.UTC(2026, 0, 1)), remoteJid: 'romeo@example.org' };
    const id = cursorOf(entry as Parameters<typeof cursorOf>[0]);
    expect(id).toBe(`${Date.UTC(2026, 0, 1) * 1000}/cm9tZW9AZXhhbXBsZS5vcmc=`);
    expect(parseCursor(id)).toEqual({ at: Date.UTC(2026, 0, 1) * 1000, jid: 'romeo@example.org' });
    expect(parseCursor('12/')).toBeUndefined();
    expect(parseCursor('abc/cm9tZW8=')).toBeUndefined();
  });
});
