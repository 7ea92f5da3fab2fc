import { describe, expect, it } from 'vitest';
import { MAX_DIRECTED_PRESENCE } from '@sotto/contracts';
import { notCovered, withDirected, withoutDirected } from './directed-presence';

describe('directed presence list', () => {
  it('adds a JID once, and nothing past the bound', () => {
    const list = withDirected(withDirected([], 'romeo@localhost'), 'romeo@localhost');
    expect(list).toEqual(['romeo@localhost']);
    const full = Array.from({ length: MAX_DIRECTED_PRESENCE }, (_, i) => `u${i}@localhost`);
    expect(withDirected(full, 'late@localhost')).toBe(full);
  });

  it('forgets the JID unavailable went to, and a bare JID forgets its resources', () => {
    const list = ['romeo@localhost/a', 'romeo@localhost/b', 'nurse@localhost'];
    expect(withoutDirected(list, 'romeo@localhost/a')).toEqual([
      'romeo@localhost/b',
      'nurse@localhost',
    ]);
    expect(withoutDirected(list, 'romeo@localhost')).toEqual(['nurse@localhost']);
    expect(withoutDirected(list, 'nurse@localhost/x')).toEqual(list);
  });

  it('leaves out the subscribers the broadcast reaches, or nobody when they are unknown', () => {
    const list = ['romeo@localhost/a', 'nurse@localhost'];
    expect(notCovered(list, ['romeo@localhost'])).toEqual(['nurse@localhost']);
    expect(notCovered(list, undefined)).toEqual(list);
  });
});
