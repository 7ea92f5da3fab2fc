import { describe, it, expect } from 'vitest';
import { parseDateTime } from './xmpp-datetime';

describe('parseDateTime', () => {
  it('reads XEP-0082 DateTimes in UTC and with an offset', () => {
    expect(parseDateTime('2010-06-07T00:00:00Z', 'up')?.toISOString()).toBe(
      '2010-06-07T00:00:00.000Z',
    );
    expect(parseDateTime('2010-06-07T02:00:00.5+02:00', 'down')?.toISOString()).toBe(
      '2010-06-07T00:00:00.500Z',
    );
  });

  it('rounds digits past the millisecond towards the inside of the range', () => {
    expect(parseDateTime('2010-06-07T00:00:00.1234Z', 'up')?.toISOString()).toBe(
      '2010-06-07T00:00:00.124Z',
    );
    expect(parseDateTime('2010-06-07T00:00:00.1239Z', 'down')?.toISOString()).toBe(
      '2010-06-07T00:00:00.123Z',
    );
    expect(parseDateTime('2010-06-07T00:00:00.123000Z', 'up')?.toISOString()).toBe(
      '2010-06-07T00:00:00.123Z',
    );
  });

  it.each(['2010-06-07', '2010-06-07T00:00:00', 'yesterday', '2010-13-40T00:00:00Z', ''])(
    'refuses %j',
    (value) => {
      expect(parseDateTime(value, 'up')).toBeUndefined();
    },
  );
});
