import { describe, expect, it } from 'vitest';
import { Uuid7Generator, uuid7 } from './uuid7';

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuid7', () => {
  it('is a version 7, variant 1 UUID that sorts by time', () => {
    const ids = new Uuid7Generator();
    const early = ids.next(1_700_000_000_000);
    const late = ids.next(1_700_000_000_001);
    expect(early).toMatch(UUID7);
    expect(late).toMatch(UUID7);
    expect(early.slice(0, 13)).toBe('018bcfe5-6800');
    expect(early < late).toBe(true);
    expect(uuid7()).not.toBe(uuid7());
  });

  it('keeps arrival order within one millisecond and when the clock steps back', () => {
    const ids = new Uuid7Generator();
    const made = [
      ...Array.from({ length: 1000 }, () => ids.next(1_700_000_000_000)),
      ids.next(1_699_999_999_000),
      ids.next(1_700_000_000_000),
    ];
    for (const id of made) {
      expect(id).toMatch(UUID7);
    }
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('starts each new millisecond from fresh random bits', () => {
    const ids = new Uuid7Generator();
    const a = ids.next(1_700_000_000_000);
    const b = new Uuid7Generator().next(1_700_000_000_000);
    expect(a.slice(0, 13)).toBe(b.slice(0, 13));
    expect(a).not.toBe(b);
  });
});
