import { describe, it, expect } from 'vitest';
import { archiving, type ArchivePrefs, type Archiving } from './archive-prefs';

const romeo = 'romeo@example.org';
const tybalt = 'tybalt@example.org';
const nurse = 'nurse@example.org';

describe('archiving', () => {
  it('archives everything for an owner without preferences', () => {
    expect(archiving(undefined, romeo)).toBe(true);
  });

  it.each<[ArchivePrefs['defaultMode'], Archiving]>([
    ['always', true],
    ['never', false],
    ['roster', 'if-in-roster'],
  ])('applies the default %s to JIDs in neither list', (defaultMode, expected) => {
    expect(archiving({ defaultMode, always: [], never: [] }, nurse)).toBe(expected);
  });

  it('lets the lists win over the default', () => {
    const prefs: ArchivePrefs = { defaultMode: 'never', always: [romeo], never: [] };
    expect(archiving(prefs, romeo)).toBe(true);
    expect(archiving(prefs, nurse)).toBe(false);
    const others: ArchivePrefs = { defaultMode: 'always', always: [], never: [tybalt] };
    expect(archiving(others, tybalt)).toBe(false);
    expect(archiving(others, romeo)).toBe(true);
    const roster: ArchivePrefs = { defaultMode: 'roster', always: [romeo], never: [tybalt] };
    expect(archiving(roster, romeo)).toBe(true);
    expect(archiving(roster, tybalt)).toBe(false);
  });
});
