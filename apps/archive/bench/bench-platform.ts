import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

// Compiled to apps/archive/bench/dist: the repository root is four levels up.
export const repoRoot = resolve(__dirname, '../../../..');
const logDir = resolve(repoRoot, '.sotto/bench-logs');

export const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const ARCHIVE_DATABASE = 'sotto_archive_bench';
const ORCHESTRATOR_DATABASE = 'sotto_orchestrator_bench';
const EXPORT_DIR = '.sotto/bench-exports';
const HTTP_PORT = 18288;
const GRPC_PORT = 15251;

interface ServiceEntry {
  name: string;
  database?: string;
  migrate?: string;
  main: string;
}

interface ServicesModule {
  services: ServiceEntry[];
  databaseUrl(service: ServiceEntry, env?: NodeJS.ProcessEnv): string;
}

export interface Platform {
  http: string;
  token: string;
  archiveUrl: string;
  /** Names of the data-holding services started (every one that can answer a GDPR job). */
  started: string[];
  stop(): Promise<void>;
}

function databaseUrlOf(database: string, role: string): string {
  const url = new URL(adminUrl);
  url.username = role;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
}

async function asAdmin(...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const statement of statements) {
      await client.query(statement);
    }
  } finally {
    await client.end();
  }
}

/** Drops and creates a database of the bench's own, owned by a service's role. */
function freshDatabase(database: string, owner: string): Promise<void> {
  return asAdmin(
    `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`,
    `CREATE DATABASE ${database} OWNER ${owner}`,
    `REVOKE ALL ON DATABASE ${database} FROM PUBLIC`,
  );
}

function dropDatabase(database: string): Promise<void> {
  return asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}

function run(script: string, env: Record<string, string>): void {
  const result = spawnSync(process.execPath, [resolve(repoRoot, script)], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    throw new Error(`${script} failed: ${result.stderr || result.stdout}`);
  }
}

/**
 * Node options for every service the bench starts, from BENCH_NODE_ARGS (e.g. `--cpu-prof
 * --cpu-prof-dir=…`, which NODE_OPTIONS does not take): where a service's CPU goes during the
 * timed jobs.
 */
function serviceNodeArgs(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter((arg) => arg !== '');
}

function start(name: string, main: string, env: Record<string, string>): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(resolve(logDir, `${name}.log`), { flags: 'w' });
  const child = spawn(process.execPath, [...serviceNodeArgs(), resolve(repoRoot, main)], {
    cwd: repoRoot,
    // LOG_LEVEL=debug shows where an export's time goes (the services' timing lines).
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warning', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

async function waitForPort(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) {
      return;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

/**
 * Starts what an export and an erasure need, as `pnpm start` would but with databases of its
 * own for the archive and the orchestrator: every data-holding service of scripts/services.mjs
 * and an orchestrator on ports of its own. No gateway: no XMPP client takes part.
 */
export async function startPlatform(): Promise<Platform> {
  const servicesModule = pathToFileURL(resolve(repoRoot, 'scripts/services.mjs')).href;
  const dbSetupModule = pathToFileURL(resolve(repoRoot, 'scripts/db-setup.mjs')).href;
  const { services, databaseUrl } = (await import(servicesModule)) as ServicesModule;
  const { setUpDatabases } = (await import(dbSetupModule)) as { setUpDatabases(): Promise<void> };
  await setUpDatabases();
  await freshDatabase(ARCHIVE_DATABASE, 'sotto_archive');
  await freshDatabase(ORCHESTRATOR_DATABASE, 'sotto_orchestrator');
  const urls = new Map<string, string>();
  for (const service of services.filter((s) => s.database !== undefined)) {
    const own =
      service.name === 'archive'
        ? databaseUrlOf(ARCHIVE_DATABASE, 'sotto_archive')
        : service.name === 'orchestrator'
          ? databaseUrlOf(ORCHESTRATOR_DATABASE, 'sotto_orchestrator')
          : databaseUrl(service);
    urls.set(service.name, own);
    if (service.migrate !== undefined) {
      run(service.migrate, { [`${service.name.toUpperCase()}_DATABASE_URL`]: own });
    }
  }
  const dataServices = services.filter((s) => s.name !== 'gateway' && s.name !== 'orchestrator');
  const children = dataServices.map((service) =>
    start(service.name, service.main, {
      [`${service.name.toUpperCase()}_DATABASE_URL`]: urls.get(service.name) ?? '',
    }),
  );
  const token = randomBytes(24).toString('base64url');
  const orchestrator = services.find((s) => s.name === 'orchestrator');
  if (orchestrator === undefined) {
    throw new Error('scripts/services.mjs lists no orchestrator');
  }
  children.push(
    start('orchestrator', orchestrator.main, {
      ORCHESTRATOR_DATABASE_URL: urls.get('orchestrator') ?? '',
      ORCHESTRATOR_HTTP_PORT: String(HTTP_PORT),
      ORCHESTRATOR_GRPC_PORT: String(GRPC_PORT),
      ADMIN_TOKEN: token,
      TOMBSTONE_KEY: randomBytes(24).toString('base64url'),
      EXPORT_DIR,
      GDPR_JOB_DEADLINE_MS: String(15 * 60_000),
    }),
  );
  try {
    await waitForPort(HTTP_PORT);
  } catch (error) {
    await stopAll(children);
    throw error;
  }
  return {
    http: `http://127.0.0.1:${HTTP_PORT}/api/v1`,
    token,
    archiveUrl: urls.get('archive') ?? '',
    started: dataServices.map((s) => s.name),
    stop: async () => {
      await stopAll(children);
      // Gigabytes of generated messages, and exports of made-up users: nothing worth keeping.
      await dropDatabase(ARCHIVE_DATABASE);
      await dropDatabase(ORCHESTRATOR_DATABASE);
      rmSync(resolve(repoRoot, EXPORT_DIR), { recursive: true, force: true });
    },
  };
}
