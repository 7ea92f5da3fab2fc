import { describe, it, expect } from 'vitest';
import { archives, type ArchivePrefs } from './archive-prefs';

const romeo = 'romeo@example.org';
const tybalt = 'tybalt@example.org';
const nurse = 'nurse@example.org';

describe('archives', () => {
  it('archives everything for an owner without preferences', () => {
    expect(archives(undefined, romeo)).toBe(true);
  });

  it.each<[ArchivePrefs['defaultMode'], boolean]>([
    ['always', true],
    ['never', false],
    // Treated as 'always' until the roster can be asked.
    ['roster', true],
  ])('applies the default %s to JIDs in neither list', (defaultMode, expected) => {
    expect(archives({ defaultMode, always: [], never: [] }, nurse)).toBe(expected);
  });

  it('lets the lists win over the default', () => {
    const prefs: ArchivePrefs = { defaultMode: 'never', always: [romeo], never: [] };
    expect(archives(prefs, romeo)).toBe(true);
    expect(archives(prefs, nurse)).toBe(false);
    const others: ArchivePrefs = { defaultMode: 'always', always: [], never: [tybalt] };
    expect(archives(others, tybalt)).toBe(false);
    expect(archives(others, romeo)).toBe(true);
  });
});
