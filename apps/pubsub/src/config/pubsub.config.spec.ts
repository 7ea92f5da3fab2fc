import { describe, it, expect } from 'vitest';
import { loadPubsubConfig } from './pubsub.config';

describe('loadPubsubConfig', () => {
  it('has a default for everything', () => {
    expect(loadPubsubConfig({})).toMatchObject({
      PUBSUB_DATABASE_URL: 'postgres://sotto_pubsub@127.0.0.1:5432/sotto_pubsub',
      PUBSUB_SUBDOMAIN: 'pubsub',
      PUBSUB_MAX_ITEM_BYTES: 131072,
      PUBSUB_MAX_ITEMS: 256,
      PUBSUB_ORPHAN_OWNER: '',
      XMPP_DOMAIN: 'localhost',
    });
  });

  it('takes a bare JID as the owner of orphaned nodes', () => {
    expect(loadPubsubConfig({ PUBSUB_ORPHAN_OWNER: 'admin@localhost' }).PUBSUB_ORPHAN_OWNER).toBe(
      'admin@localhost',
    );
  });

  it.each([
    ['PUBSUB_MAX_ITEM_BYTES', '12'],
    ['PUBSUB_MAX_ITEMS', '0'],
    ['PUBSUB_MAX_ITEMS', 'lots'],
    ['PUBSUB_SUBDOMAIN', 'Pub.Sub'],
    ['PUBSUB_ORPHAN_OWNER', 'admin@localhost/desk'],
    ['PUBSUB_ORPHAN_OWNER', 'localhost'],
    ['PUBSUB_DATABASE_URL', ''],
    ['XMPP_DOMAIN', 'user@localhost'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadPubsubConfig({ [name]: value })).toThrow(name);
  });
});
