import { describe, expect, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { repoRoot } from '../support/processes';
import { readZip } from '../support/zip';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm sottoctl …` the way an operator would (the built entry point, no TTY). */
function sottoctl(args: string[], token = inject('orchestrator').token): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [resolve(repoRoot, 'apps/sottoctl/dist/main.js'), ...args],
      {
        env: { ...process.env, ORCHESTRATOR_URL: inject('orchestrator').http, ADMIN_TOKEN: token },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('pnpm sottoctl', () => {
  it('register prints a random JID and the generated password', async () => {
    const run = await sottoctl(['register', '--domain', 'localhost']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/[a-z0-9]{20,}@localhost/);
    expect(run.stdout.toLowerCase()).toContain('password');
  });

  it('register_identified succeeds once, then fails with one line and a non-zero status', async () => {
    const user = `cli-${randomBytes(4).toString('hex')}`;
    const args = [
      'register_identified',
      '--user',
      user,
      '--domain',
      'localhost',
      '--password',
      'a-good-password',
    ];
    const first = await sottoctl(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${user}@localhost`);
    const second = await sottoctl(args);
    expect(second.code).not.toBe(0);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('retrieve_personal_data writes the archive; unregister prints the per-service report', async () => {
    const user = `cli-${randomBytes(4).toString('hex')}`;
    const jid = `${user}@localhost`;
    expect(
      (
        await sottoctl([
          'register_identified',
          '--user',
          user,
          '--domain',
          'localhost',
          '--password',
          'pw-long-enough',
        ])
      ).code,
    ).toBe(0);
    const out = join(mkdtempSync(join(tmpdir(), 'sottoctl-')), 'export.zip');
    const exported = await sottoctl(['retrieve_personal_data', '--jid', jid, '--out', out]);
    expect(exported.code).toBe(0);
    const files = await readZip(readFileSync(out));
    expect(JSON.parse(files.get('manifest.json')!.toString()).subject).toBe(jid);

    const erased = await sottoctl(['unregister', '--jid', jid]);
    expect(erased.code).toBe(0);
    expect(erased.stdout).toContain('accounts');
    expect(erased.stdout).toMatch(/deleted/i);

    const again = await sottoctl(['unregister', '--jid', jid]);
    expect(again.code).not.toBe(0);
  });

  it('jobs and job ID show the jobs; an unknown job fails', async () => {
    const list = await sottoctl(['jobs']);
    expect(list.code).toBe(0);
    const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(
      list.stdout,
    )?.[0];
    expect(id).toBeDefined();
    const one = await sottoctl(['job', id!, '--json']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).id).toBe(id);
    const unknown = await sottoctl(['job', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).not.toBe(0);
  });

  it('fails with a usage error, and refuses a wrong token', async () => {
    expect((await sottoctl(['retrieve_personal_data'])).code).toBe(2);
    expect((await sottoctl(['no_such_command'])).code).toBe(2);
    const refused = await sottoctl(['jobs'], 'wrong-token-wrong-token');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });
});
