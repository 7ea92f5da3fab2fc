import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { admin, waitForJob, type JobView } from '../support/admin-api';
import { createAccount, type TestAccount } from '../support/accounts';
import { stanzaError, stanzaSession, type StanzaSession } from '../support/stanza-events';
import { readZip } from '../support/zip';

const [gatewayA, gatewayB] = inject('gateways');
const SERVICE = 'pubsub.localhost';
const NS_NICK = 'http://jabber.org/protocol/nick';
const NS_JSON = 'urn:xmpp:json:0';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function login(account: TestAccount, url: string): Promise<StanzaSession> {
  return stanzaSession(account, { url, events: ['pubsub:deleted'] }, cleanups);
}

const json = (text: string) => ({ itemType: NS_JSON, json: { text } });
type Rows = Record<string, unknown>[];

async function exportOf(jid: string): Promise<Map<string, Buffer>> {
  const started = await admin<{ job: JobView }>('POST', '/exports', { jid });
  expect(started.status).toBe(202);
  const job = await waitForJob(started.body.job.id);
  expect(job.status, job.error).toBe('completed');
  const download = await admin<Buffer>('GET', `/exports/${job.id}/archive`);
  expect(download.status).toBe(200);
  return readZip(download.body);
}

function rowsOf(files: Map<string, Buffer>, name: string): Rows {
  const file = files.get(name);
  expect(file, `${name} in the archive`).toBeDefined();
  return JSON.parse(file!.toString('utf8')) as Rows;
}

describe('pubsub through the orchestrator', () => {
  it('exports the subject’s nodes, items and subscriptions only; erasure keeps what others share and says so', async () => {
    const alice = await createAccount('ps-gdpr');
    const bob = await createAccount('ps-gdpr');
    const carol = await createAccount('ps-gdpr');
    const a = await login(alice, gatewayA!.ws);
    const b = await login(bob, gatewayB!.ws);
    const c = await login(carol, gatewayA!.ws);
    const suffix = randomBytes(4).toString('hex');
    const shared = `shared-${suffix}`;
    const solo = `solo-${suffix}`;
    const carols = `carols-${suffix}`;

    // Alice: a PEP nick; a shared node Bob subscribes to; a node only she uses; an item and a
    // subscription on Carol's node. Bob and Carol have data of their own.
    await a.client.publishNick('Alice');
    await a.client.createNode(SERVICE, shared);
    await a.client.publish(SERVICE, shared, json('alice on shared'), 'a-shared');
    await b.client.subscribeToNode(SERVICE, shared);
    await a.client.createNode(SERVICE, solo);
    await a.client.publish(SERVICE, solo, json('alice alone'), 'a-solo');
    await c.client.createNode(SERVICE, carols);
    await c.client.updateNodeAffiliations(SERVICE, carols, [
      { jid: alice.jid, affiliation: 'publisher' },
    ]);
    await a.client.publish(SERVICE, carols, json('alice on carol’s'), 'a-carol');
    await c.client.publish(SERVICE, carols, json('carol’s own'), 'c-carol');
    await a.client.subscribeToNode(SERVICE, carols);
    await b.client.publishNick('Bob');

    const exported = await exportOf(alice.jid);
    const nodes = rowsOf(exported, 'pubsub/pubsub_nodes.json');
    expect(nodes.map((n) => [n.service, n.node]).sort()).toEqual(
      [
        [alice.jid, NS_NICK],
        [SERVICE, shared],
        [SERVICE, solo],
      ].sort(),
    );
    const items = rowsOf(exported, 'pubsub/pubsub_items.json');
    expect(items.map((i) => i.item_id).sort()).toEqual(
      ['a-carol', 'a-shared', 'a-solo', items.find((i) => i.node === NS_NICK)?.item_id].sort(),
    );
    expect(JSON.stringify(items)).toContain('alice on carol');
    expect(JSON.stringify(items)).not.toContain('carol’s own');
    const subscriptions = rowsOf(exported, 'pubsub/pubsub_subscriptions.json');
    expect(subscriptions.map((s) => [s.node, s.jid])).toEqual([[carols, alice.jid]]);
    expect(JSON.stringify([...exported.values()].map((f) => f.toString('utf8')))).not.toContain(
      bob.jid,
    );

    const started = await admin<{ job: JobView }>(
      'DELETE',
      `/accounts/${encodeURIComponent(alice.jid)}`,
    );
    expect(started.status).toBe(202);
    const job = await waitForJob(started.body.job.id);
    expect(job.status, job.error).toBe('completed');
    const report = job.services.pubsub;
    expect(report?.status).toBe('completed');
    const dataset = (name: string) => report?.datasets?.find((d) => d.name === name);
    expect(dataset('pubsub_nodes')).toMatchObject({
      deleted: 2,
      kept: 1,
      keptReason: expect.stringContaining('shared'),
    });
    expect(dataset('pubsub_items')).toMatchObject({
      deleted: 2,
      kept: 2,
      keptReason: expect.stringMatching(/others own or use/),
    });
    expect(dataset('pubsub_subscriptions')).toMatchObject({ deleted: 1, kept: 0 });

    // Alice's PEP node is gone; the shared node stays with Bob subscribed and Alice's item on it;
    // Carol's node keeps Alice's item and no longer lists her.
    expect(await stanzaError(b.client.getItems(alice.jid, NS_NICK))).toMatchObject({
      condition: 'item-not-found',
    });
    expect((await b.client.getItems(SERVICE, shared)).items?.map((i) => i.id)).toEqual([
      'a-shared',
    ]);
    const bobs = await b.client.getSubscriptions(SERVICE);
    expect(bobs.items?.map((s) => s.node)).toContain(shared);
    expect(await stanzaError(b.client.getItems(SERVICE, solo))).toMatchObject({
      condition: 'item-not-found',
    });
    expect((await c.client.getItems(SERVICE, carols)).items?.map((i) => i.id)).toEqual([
      'a-carol',
      'c-carol',
    ]);
    const affiliations = await c.client.getNodeAffiliations(SERVICE, carols);
    expect(affiliations.items?.map((x) => x.jid)).toEqual([carol.jid]);
    // And Bob's own PEP data is untouched.
    expect((await b.client.getItems(bob.jid, NS_NICK)).items).toHaveLength(1);
  });
});
