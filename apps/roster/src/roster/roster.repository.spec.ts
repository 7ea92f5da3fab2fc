import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScratchDatabase } from '@sotto/database';
import type { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { newItem } from './roster-item';
import { RosterRepository } from './roster.repository';

const alice = 'alice@example.org';
const bob = 'bob@example.org';
const carol = 'carol@example.org';

describe('RosterRepository', () => {
  let scratch: ScratchDatabase | undefined;
  let dataSource: DataSource;
  let sut: RosterRepository;

  beforeAll(async () => {
    // Against the real PostgreSQL: a database of its own, migrated from scratch, dropped after.
    scratch = await ScratchDatabase.create('roster', dataSourceOptions);
    dataSource = scratch.dataSource;
    sut = new RosterRepository(dataSource);
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  it('stores items, requests and versions within a pair transaction', async () => {
    const versions = await sut.inPair(alice, bob, async (tx) => {
      await tx.saveItem(alice, {
        ...newItem(bob),
        name: 'Bob',
        groups: ['A', 'B'],
        pendingOut: true,
      });
      await tx.saveItem(alice, { ...newItem(bob), name: 'Bobby', groups: ['B'], pendingOut: true });
      await tx.savePending(bob, alice, '<presence/>');
      expect(await tx.item(alice, bob)).toMatchObject({ name: 'Bobby', groups: ['B'] });
      expect(await tx.pending(bob, alice)).toBe('<presence/>');
      expect(await tx.countItems(alice)).toBe(1);
      return tx.bumpVersions([bob, alice, alice]);
    });
    expect([...versions]).toEqual([
      [alice, 1],
      [bob, 1],
    ]);
    expect(await sut.roster(alice)).toEqual({
      version: 1,
      items: [{ ...newItem(bob), name: 'Bobby', groups: ['B'], pendingOut: true }],
    });
    expect(await sut.pendingRequests(bob)).toEqual([{ contact: alice, stanza: '<presence/>' }]);
  });

  it('rolls a failed pair transaction back', async () => {
    await expect(
      sut.inPair(alice, carol, async (tx) => {
        await tx.saveItem(alice, newItem(carol));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await sut.roster(alice)).items.map((item) => item.contact)).toEqual([bob]);
  });

  it('collects items and requests by contact, in pages', async () => {
    await sut.inPair(alice, carol, async (tx) => {
      await tx.savePending(alice, carol, '<presence><status>hi</status></presence>');
    });
    await sut.inPair(alice, 'dave@example.org', async (tx) => {
      await tx.saveItem(alice, newItem('dave@example.org'));
      await tx.savePending(alice, 'dave@example.org', '<presence/>');
    });
    const first = await sut.collect(alice, '', 2);
    expect(first.map((e) => [e.contact, e.item?.name ?? null, e.pendingStanza ?? null])).toEqual([
      [bob, 'Bobby', null],
      [carol, null, '<presence><status>hi</status></presence>'],
    ]);
    const rest = await sut.collect(alice, carol, 2);
    expect(rest.map((e) => [e.contact, e.item?.subscription, e.pendingStanza])).toEqual([
      ['dave@example.org', 'none', '<presence/>'],
    ]);
    expect(await sut.relatedJids(alice)).toEqual([bob, carol, 'dave@example.org']);
    // Bob has a request from Alice waiting: Alice is related to Bob.
    expect(await sut.relatedJids(bob)).toEqual([alice]);
  });

  it('deletes an owner’s rows only, and counts the mentions that stay', async () => {
    await sut.inPair(bob, alice, async (tx) => {
      await tx.saveItem(bob, newItem(alice));
    });
    expect(await sut.countOwned(alice)).toBe(4);
    expect(await sut.deleteOwner(alice)).toBe(4);
    expect(await sut.deleteOwner(alice)).toBe(0);
    expect(await sut.roster(alice)).toEqual({ version: 0, items: [] });
    expect(await sut.countMentions(alice)).toBe(1);
    expect(await sut.pendingRequests(bob)).toHaveLength(1);
  });

  it('makes an owner’s erasure wait for pair work on the owner, then deletes what it saved', async () => {
    const erin = 'erin@example.org';
    let proceed!: () => void;
    const answered = new Promise<void>((resolve) => (proceed = resolve));
    let started!: () => void;
    const inside = new Promise<void>((resolve) => (started = resolve));
    // A subscription request to Erin found her account active, and saves while her erasure's
    // forget comes: the forget either waits for the save or runs through at once.
    const saving = sut.inPair('frank@example.org', erin, async (tx) => {
      started();
      await answered;
      await tx.savePending(erin, 'frank@example.org', '<presence type="subscribe"/>');
    });
    await inside;
    const forgetting = sut.deleteOwner(erin);
    await scratch!.untilWaitingForLock(forgetting);
    proceed();
    await saving;
    expect(await forgetting).toBe(1);
    expect(await sut.pendingRequests(erin)).toEqual([]);
  });

  it('serialises concurrent work on one pair', async () => {
    const order: string[] = [];
    const slow = sut.inPair(carol, 'erin@example.org', async () => {
      order.push('first in');
      await new Promise((resolve) => setTimeout(resolve, 200));
      order.push('first out');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = sut.inPair('erin@example.org', carol, async () => {
      order.push('second');
    });
    await Promise.all([slow, second]);
    expect(order).toEqual(['first in', 'first out', 'second']);
  });
});
