import { describe, expect, it } from 'vitest';
import { RpcError } from '@sotto/nats';
import type { ArchiveRow } from '../archive/archive-row';
import type { ArchivePrefs } from '../prefs/archive-prefs';
import { ArchiveWriter } from './archive-writer';

const juliet = 'juliet@example.org';
const romeo = 'romeo@example.org';
const tybalt = 'tybalt@example.org';
const nurse = 'nurse@example.org';

let sequence = 0;
function row(ownerJid: string, withJid: string): ArchiveRow {
  sequence += 1;
  return {
    ownerJid,
    withJid,
    id: `0197a000-0000-7000-8000-${String(sequence).padStart(12, '0')}`,
    sentAt: new Date(Date.UTC(2025, 5, 1)),
    withResource: null,
    direction: 'in',
    stanza: `<message><body>${sequence}</body></message>`,
  };
}

function writer(prefs: Map<string, ArchivePrefs>, rosters: Map<string, string[]> | 'away') {
  const written: ArchiveRow[] = [];
  const questions: string[] = [];
  const sut = new ArchiveWriter(
    {
      insert: async (rows) => {
        written.push(...rows);
        return rows.length;
      },
    },
    {
      findMany: async (owners) =>
        new Map(owners.flatMap((o) => (prefs.has(o) ? [[o, prefs.get(o)!]] : []))),
    },
    {
      inRoster: async (owner, contact) => {
        questions.push(`${owner} ${contact}`);
        if (rosters === 'away') {
          throw new RpcError('unavailable', 'no service answers roster.item');
        }
        return rosters.get(owner)?.includes(contact) ?? false;
      },
    },
  );
  return { sut, written, questions };
}

describe('ArchiveWriter', () => {
  it('archives for an owner whose default is roster only what a roster contact exchanged', async () => {
    const prefs = new Map([
      [juliet, { defaultMode: 'roster', always: [nurse], never: [] } as ArchivePrefs],
    ]);
    const { sut, written, questions } = writer(prefs, new Map([[juliet, [romeo]]]));
    const fromRomeo = row(juliet, romeo);
    const fromTybalt = row(juliet, tybalt);
    const fromNurse = row(juliet, nurse);
    const romeosCopy = row(romeo, juliet);
    await sut.write([fromRomeo, fromTybalt, row(juliet, romeo), fromNurse, romeosCopy]);
    expect(written.map((r) => `${r.ownerJid} ${r.withJid}`)).toEqual([
      `${juliet} ${romeo}`,
      `${juliet} ${romeo}`,
      `${juliet} ${nurse}`,
      `${romeo} ${juliet}`,
    ]);
    // Once per owner and contact in a batch, and never for a contact on a list.
    expect(questions.sort()).toEqual([`${juliet} ${romeo}`, `${juliet} ${tybalt}`]);
  });

  it('asks nothing when no owner of the batch archives by roster', async () => {
    const { sut, written, questions } = writer(new Map(), 'away');
    await sut.write([row(juliet, romeo), row(romeo, juliet)]);
    expect(written).toHaveLength(2);
    expect(questions).toEqual([]);
  });

  it('writes nothing of the batch, and fails it for a retry, while the roster does not answer', async () => {
    const prefs = new Map([
      [juliet, { defaultMode: 'roster', always: [], never: [] } as ArchivePrefs],
    ]);
    const { sut, written } = writer(prefs, 'away');
    await expect(sut.write([row(romeo, juliet), row(juliet, romeo)])).rejects.toThrow(RpcError);
    expect(written).toEqual([]);
  });
});
