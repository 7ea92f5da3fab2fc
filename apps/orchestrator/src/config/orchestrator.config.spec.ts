import { describe, it, expect } from 'vitest';
import { loadOrchestratorConfig } from './orchestrator.config';

const secrets = {
  ADMIN_TOKEN: 'an admin token of length',
  TOMBSTONE_KEY: 'a tombstone key of length',
};

describe('loadOrchestratorConfig', () => {
  it('has a default for everything but the two secrets', () => {
    expect(loadOrchestratorConfig(secrets)).toMatchObject({
      ORCHESTRATOR_DATABASE_URL: 'postgres://sotto_orchestrator@127.0.0.1:5432/sotto_orchestrator',
      ORCHESTRATOR_HTTP_HOST: '127.0.0.1',
      ORCHESTRATOR_HTTP_PORT: 8088,
      GDPR_JOB_DEADLINE_MS: 600_000,
      EXPORT_DIR: '.sotto/exports',
      EXPORT_RETENTION_HOURS: 24,
      EXPORT_BUILD_WHILE_COLLECTING: false,
      XMPP_DOMAIN: 'localhost',
    });
    expect(
      loadOrchestratorConfig({ ...secrets, EXPORT_BUILD_WHILE_COLLECTING: 'true' })
        .EXPORT_BUILD_WHILE_COLLECTING,
    ).toBe(true);
  });

  it.each([
    ['ADMIN_TOKEN', undefined],
    ['ADMIN_TOKEN', 'short'],
    ['TOMBSTONE_KEY', undefined],
    ['TOMBSTONE_KEY', 'short'],
    ['ORCHESTRATOR_HTTP_PORT', '0'],
    ['GDPR_JOB_DEADLINE_MS', 'soon'],
    ['GDPR_JOB_DEADLINE_MS', String(24 * 3600 * 1000)],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadOrchestratorConfig({ ...secrets, [name]: value })).toThrow(name);
  });
});
