import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './cli';
import type { Job } from './job.schema';

const TOKEN = 'test-token';

interface Answer {
  status: number;
  json?: unknown;
  bytes?: Buffer;
}
type Route = (request: IncomingMessage, body: string) => Answer;

interface Received {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

let server: Server;
let url: string;
let routes: Record<string, Route>;
let received: Received[];
let dir: string;

beforeEach(async () => {
  routes = {};
  received = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const key = `${request.method} ${request.url}`;
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        body,
      });
      const route = routes[key];
      const answer = route
        ? route(request, body)
        : {
            status: 404,
            json: { statusCode: 404, message: `no route ${key}`, error: 'Not Found' },
          };
      if (answer.bytes) {
        response.writeHead(answer.status, { 'content-type': 'application/zip' });
        response.end(answer.bytes);
      } else {
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.json));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  dir = await mkdtemp(join(tmpdir(), 'sottoctl-'));
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function sottoctl(
  argv: string[],
  env: NodeJS.ProcessEnv = { ORCHESTRATOR_URL: url, ADMIN_TOKEN: TOKEN },
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    env,
    cwd: dir,
    stdout: { write: (text: string) => (stdout += text) },
    // Not a TTY: progress comes as lines, which the tests read.
    stderr: new Writable({
      write(chunk: Buffer, _encoding, done) {
        stderr += chunk.toString();
        done();
      },
    }),
    pollIntervalMs: 5,
  });
  return { status, stdout, stderr };
}

function job(overrides: Partial<Job>): Job {
  return {
    id: 'job-1',
    kind: 'export',
    status: 'queued',
    services: {},
    createdAt: '2025-01-31T12:00:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

/** Answers GET /jobs/job-1 with each state in turn, then the last one again. */
function jobStates(...states: Job[]): Route {
  let next = 0;
  return () => ({ status: 200, json: states[Math.min(next++, states.length - 1)] });
}

describe('sottoctl against the HTTP API', () => {
  it('registers with a random JID and prints the generated password, sending the token', async () => {
    routes['POST /api/v1/accounts'] = () => ({
      status: 201,
      json: { jid: 'k3x9@localhost', password: 'generated' },
    });

    const result = await sottoctl(['register', '--domain', 'localhost']);

    expect(result).toEqual({
      status: 0,
      stdout: 'jid: k3x9@localhost\npassword: generated\n',
      stderr: '',
    });
    expect(received[0]).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      body: JSON.stringify({ domain: 'localhost' }),
    });
  });

  it('puts a chosen JID, encoded in the path', async () => {
    routes['PUT /api/v1/accounts/alice%40localhost'] = () => ({
      status: 201,
      json: { jid: 'alice@localhost' },
    });

    const result = await sottoctl([
      'register_identified',
      '--user',
      'alice',
      '--domain',
      'localhost',
      '--password',
      'pw',
    ]);

    expect(result).toMatchObject({ status: 0, stdout: 'jid: alice@localhost\n' });
    expect(JSON.parse(received[0].body)).toEqual({ password: 'pw' });
  });

  it.each([
    [
      400,
      'Bad Request',
      ['password: Too small', 'jid: expected a bare JID'],
      'password: Too small; jid: expected a bare JID (HTTP 400)',
    ],
    [401, 'Unauthorized', 'Unauthorized', 'Unauthorized (HTTP 401)'],
    [409, 'Conflict', 'account exists', 'account exists (HTTP 409)'],
  ])('fails with exit 1 and the server reason on HTTP %i', async (status, error, message, line) => {
    routes['PUT /api/v1/accounts/alice%40localhost'] = () => ({
      status,
      json: { statusCode: status, message, error },
    });

    const result = await sottoctl([
      'register_identified',
      '--user',
      'alice',
      '--domain',
      'localhost',
      '--password',
      'pw',
    ]);

    expect(result).toEqual({ status: 1, stdout: '', stderr: `sottoctl: ${line}\n` });
  });

  it('says the orchestrator is unreachable when nothing listens', async () => {
    await new Promise((resolve) => server.close(resolve));
    server.listen(0); // afterEach closes it again

    const result = await sottoctl(['jobs']);

    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `sottoctl: orchestrator unreachable at ${url}\n`,
    });
  });

  it('reads the token from the secrets file when ADMIN_TOKEN is unset', async () => {
    await mkdir(join(dir, 'state'));
    await writeFile(
      join(dir, 'state', 'secrets.env'),
      'LOG_PSEUDONYM_KEY=x\nADMIN_TOKEN=from-file\n',
    );
    routes['GET /api/v1/jobs'] = () => ({ status: 200, json: [] });

    const result = await sottoctl(['jobs'], { ORCHESTRATOR_URL: url, SOTTO_STATE_DIR: 'state' });

    expect(result).toMatchObject({ status: 0, stdout: 'no jobs\n' });
    expect(received[0].authorization).toBe('Bearer from-file');
  });

  it('exports: follows the job, one line per change, then writes the archive', async () => {
    const zip = Buffer.from('PK\u0003\u0004 not really a zip, but bytes all the same');
    routes['POST /api/v1/exports'] = () => ({ status: 202, json: { job: job({}) } });
    const pending = {
      status: 'pending' as const,
      records: 0,
      waitingSince: '2025-01-31T12:00:01.000Z',
    };
    const done = { status: 'completed' as const, records: 1 };
    routes['GET /api/v1/jobs/job-1'] = jobStates(
      job({ status: 'running', services: { accounts: pending, roster: pending } }),
      job({ status: 'running', services: { accounts: pending, roster: pending } }),
      job({ status: 'running', services: { accounts: done, roster: pending } }),
      job({ status: 'completed', services: { accounts: done, roster: done } }),
    );
    routes['GET /api/v1/exports/job-1/archive'] = () => ({ status: 200, bytes: zip });
    const out = join(dir, 'alice.zip');

    const result = await sottoctl([
      'retrieve_personal_data',
      '--jid',
      'alice@localhost',
      '--out',
      out,
    ]);

    expect(result.status).toBe(0);
    expect(await readFile(out)).toEqual(zip);
    expect(await readdir(dir)).toEqual(['alice.zip']);
    expect(result.stdout).toBe(`wrote ${out} (${zip.length} bytes) from export job-1\n`);
    expect(result.stderr.split('\n')).toEqual([
      'export job-1: queued, 0/0 services answered',
      'export job-1: running, 0/2 services answered, waiting for accounts since 2025-01-31T12:00:01.000Z, roster since 2025-01-31T12:00:01.000Z',
      'export job-1: running, 1/2 services answered, waiting for roster since 2025-01-31T12:00:01.000Z',
      'export job-1: completed, 2/2 services answered',
      '',
    ]);
    expect(JSON.parse(received[0].body)).toEqual({ jid: 'alice@localhost' });
  });

  it('unregisters: follows the erasure, then prints the per-service report', async () => {
    routes['DELETE /api/v1/accounts/alice%40localhost'] = () => ({
      status: 202,
      json: job({ kind: 'erasure' }),
    });
    routes['GET /api/v1/jobs/job-1'] = jobStates(
      job({
        kind: 'erasure',
        status: 'completed',
        services: {
          accounts: {
            status: 'completed',
            records: 1,
            datasets: [{ name: 'account', deleted: 1, kept: 0 }],
          },
        },
      }),
    );

    const result = await sottoctl(['unregister', '--jid', 'alice@localhost']);

    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        'erasure job-1 completed: 1 record deleted, 0 kept because shared with others',
        '  accounts  completed, 1 record deleted',
        '      account  deleted 1, kept 0',
        '',
      ].join('\n'),
    );
  });

  it('fails with the job error when the job fails', async () => {
    routes['DELETE /api/v1/accounts/alice%40localhost'] = () => ({
      status: 202,
      json: job({ kind: 'erasure' }),
    });
    routes['GET /api/v1/jobs/job-1'] = jobStates(
      job({ kind: 'erasure', status: 'failed', error: 'roster did not answer within 300 s' }),
    );

    const result = await sottoctl(['unregister', '--jid', 'alice@localhost']);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      'sottoctl: erasure job-1 failed: roster did not answer within 300 s',
    );
  });

  it('leaves no file behind when the archive is refused', async () => {
    routes['POST /api/v1/exports'] = () => ({ status: 202, json: job({ status: 'completed' }) });
    routes['GET /api/v1/jobs/job-1'] = jobStates(job({ status: 'completed' }));
    routes['GET /api/v1/exports/job-1/archive'] = () => ({
      status: 409,
      json: { statusCode: 409, message: 'the archive is gone' },
    });

    const result = await sottoctl([
      'retrieve_personal_data',
      '--jid',
      'a@b',
      '--out',
      join(dir, 'a.zip'),
    ]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sottoctl: the archive is gone (HTTP 409)\n');
    expect(await readdir(dir)).toEqual([]);
  });

  it('prints a job as text, or as the raw JSON with --json', async () => {
    const raw = { ...job({ status: 'running' }), extra: 'kept as sent' };
    routes['GET /api/v1/jobs/job-1'] = () => ({ status: 200, json: raw });

    const text = await sottoctl(['job', 'job-1']);
    const json = await sottoctl(['job', 'job-1', '--json']);

    expect(text.stdout).toContain('status    running\n');
    expect(JSON.parse(json.stdout)).toEqual(raw);
  });

  it('lists jobs as a table', async () => {
    routes['GET /api/v1/jobs'] = () => ({ status: 200, json: [job({ status: 'completed' })] });

    const result = await sottoctl(['jobs']);

    expect(result.stdout).toBe(
      [
        'ID     KIND    STATUS     CREATED',
        'job-1  export  completed  2025-01-31T12:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('says what is wrong with an answer it cannot read', async () => {
    routes['GET /api/v1/jobs/job-1'] = () => ({
      status: 200,
      json: { id: 'job-1', kind: 'backup' },
    });

    const result = await sottoctl(['job', 'job-1']);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^sottoctl: unexpected answer from the orchestrator: .+\n$/);
  });
});
