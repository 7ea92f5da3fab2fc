import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LogFileSink } from './log-file-sink';
import { segmentName } from './log-segments';
import { LogStore } from './log-store';
import { logStoreSettings } from './log-store.settings';

const HOUR_MS = 3600 * 1000;

let root: string;
let sinks: LogFileSink[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sotto-logs-'));
  sinks = [];
});

afterEach(async () => {
  await Promise.all(sinks.map((sink) => sink.close()));
  rmSync(root, { recursive: true, force: true });
});

function sinkIn(directory: string, maxFileBytes = 1024 * 1024): LogFileSink {
  const sink = new LogFileSink({ directory, maxFileBytes, retentionMs: 24 * HOUR_MS });
  sinks.push(sink);
  return sink;
}

function segments(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.log'))
    .sort();
}

function allLines(directory: string): string[] {
  return segments(directory).flatMap((name) =>
    readFileSync(join(directory, name), 'utf8').split('\n').filter(Boolean),
  );
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const found: string[] = [];
  for await (const line of lines) {
    found.push(line);
  }
  return found;
}

async function until(check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !check(); attempt++) {
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('LogFileSink', () => {
  it('writes to a file of its own process, named by start time and pid', async () => {
    const sut = sinkIn(root);
    sut.write('one\n');
    sut.write('two\n');
    await sut.flush();

    const [name] = segments(root);
    expect(name).toMatch(new RegExp(`^\\d{13}-${process.pid}\\.log$`));
    expect(readFileSync(join(root, name!), 'utf8')).toBe('one\ntwo\n');
    // Personal data: the owner only.
    expect(statSync(join(root, name!)).mode & 0o777).toBe(0o600);
  });

  it('starts a new file past the size limit, losing and reordering nothing', async () => {
    const sut = sinkIn(root, 100);
    const written = Array.from({ length: 40 }, (_, i) => `line ${String(i).padStart(3, '0')}`);
    for (const line of written) {
      sut.write(`${line}\n`);
    }
    await sut.flush();

    expect(segments(root).length).toBeGreaterThan(3);
    expect(allLines(root)).toEqual(written);
  });

  it('deletes the files whose last line is older than the retention, and only those', async () => {
    const old = segmentName(Date.now() - 72 * HOUR_MS, 4242);
    const recent = segmentName(Date.now() - 2 * HOUR_MS, 4243);
    await writeFile(join(root, old), 'old\n');
    await writeFile(join(root, recent), 'recent\n');
    const threeDaysAgo = new Date(Date.now() - 72 * HOUR_MS);
    utimesSync(join(root, old), threeDaysAgo, threeDaysAgo);

    sinkIn(root);

    await until(() => !segments(root).includes(old));
    expect(segments(root)).not.toContain(old);
    expect(segments(root)).toContain(recent);
  });

  it('holds lines back while paused and writes them after, in order', async () => {
    const sut = sinkIn(root);
    sut.write('before\n');
    const seen = await sut.whilePaused(async (current) => {
      sut.write('during\n');
      return readFileSync(current, 'utf8');
    });
    sut.write('after\n');
    await sut.flush();

    expect(seen).toBe('before\n');
    expect(allLines(root)).toEqual(['before', 'during', 'after']);
  });
});

describe('LogStore', () => {
  const subject = 'p:SUBJECTxxxxxxxxx';
  const other = 'p:OTHERxxxxxxxxxxx';

  it('finds the lines that name the subject in every file, unflushed ones included', async () => {
    // A stopped replica's file, and this process's.
    await writeFile(
      join(root, segmentName(Date.now() - HOUR_MS, 4242)),
      `a ${subject} 1\nb ${other}\nc ${subject} 2\n`,
    );
    const sink = sinkIn(root);
    const sut = new LogStore(root, sink);
    sink.write(`d ${other}\n`);
    sink.write(`e ${subject} 3\n`);

    expect(await collect(sut.linesContaining(subject))).toEqual([
      `a ${subject} 1`,
      `c ${subject} 2`,
      `e ${subject} 3`,
    ]);
  });

  it('finds nothing in a directory that does not exist', async () => {
    const sut = new LogStore(join(root, 'never-logged'));
    expect(await collect(sut.linesContaining(subject))).toEqual([]);
    expect(await sut.removeLinesContaining(subject)).toBe(0);
  });

  it('removes the subject’s lines from every file and keeps everything else', async () => {
    const stopped = join(root, segmentName(Date.now() - HOUR_MS, 4242));
    await writeFile(stopped, `a ${subject}\nb ${other}\n`);
    const anHourAgo = new Date(Date.now() - HOUR_MS);
    utimesSync(stopped, anHourAgo, anHourAgo);
    const untouched = join(root, segmentName(Date.now() - HOUR_MS + 1, 4243));
    await writeFile(untouched, `c ${other}\n`);
    const inodeBefore = statSync(untouched).ino;
    const sink = sinkIn(root, 60);
    const sut = new LogStore(root, sink);
    // Enough to rotate: the subject is in closed files of this process and in its current one.
    for (let i = 0; i < 6; i++) {
      sink.write(`d${i} ${i % 2 === 0 ? subject : other}\n`);
    }

    expect(await sut.removeLinesContaining(subject)).toBe(4);

    sink.write(`e ${other}\n`);
    await sink.flush();
    const lines = allLines(root);
    expect(lines.filter((line) => line.includes(subject))).toEqual([]);
    expect(lines).toEqual([
      `b ${other}`,
      `c ${other}`,
      `d1 ${other}`,
      `d3 ${other}`,
      `d5 ${other}`,
      `e ${other}`,
    ]);
    // The rewrite does not extend a file's retention, and a file without the subject stays as is.
    expect(Math.round(statSync(stopped).mtimeMs)).toBe(anHourAgo.getTime());
    expect(statSync(untouched).ino).toBe(inodeBefore);
    expect(readdirSync(root).filter((name) => !name.endsWith('.log'))).toEqual([]);
    // A second erasure of the same subject finds nothing more.
    expect(await sut.removeLinesContaining(subject)).toBe(0);
  });

  it('another process’s sink follows its file when an erasure replaced it', async () => {
    const replica = sinkIn(join(root, 'replica'));
    replica.write(`a ${subject}\n`);
    await replica.flush();
    // The erasure runs in another process: a store over the same directory, without the sink.
    const sut = new LogStore(join(root, 'replica'));

    expect(await sut.removeLinesContaining(subject)).toBe(1);
    const path = replica.currentPath;
    const replaced = statSync(path).ino;
    // The replica notices the new file and appends to it, not to the one renamed away.
    await until(() => {
      replica.write(`b ${other}\n`);
      return readFileSync(path, 'utf8').includes('b ');
    });
    expect(statSync(path).ino).toBe(replaced);
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^b ${other}\\n`));
  });
});

describe('logStoreSettings', () => {
  it('has documented defaults, and an empty LOG_DIR turns the store off', () => {
    expect(logStoreSettings({})).toEqual({
      directory: resolve('.sotto/logs'),
      maxFileBytes: 10 * 1024 * 1024,
      retentionMs: 168 * HOUR_MS,
    });
    expect(logStoreSettings({ LOG_DIR: '' })).toBeNull();
    expect(() => logStoreSettings({ LOG_RETENTION_HOURS: 'a week' })).toThrow(
      /LOG_RETENTION_HOURS/,
    );
  });
});

describe('createServiceLogger', () => {
  it('keeps every line of a process stopped the way Nest stops it', async () => {
    // Like Nest's shutdown hooks: on SIGTERM, log, remove the listener and raise the signal again.
    const script = `
      const { createServiceLogger } = require(${JSON.stringify(resolve(__dirname, '../dist'))});
      const logger = createServiceLogger('svc', 'debug', {
        directory: ${JSON.stringify(root)}, maxFileBytes: 1 << 20, retentionMs: 3600000,
      });
      // What keeps a Nest process running (its servers) until it is stopped: without it, a child
      // that has written nothing yet could end on its own before the signal reaches it.
      const alive = setInterval(() => undefined, 60000);
      const cleanup = () => {
        process.removeListener('SIGTERM', cleanup);
        clearInterval(alive);
        for (let i = 0; i < 5000; i++) logger.debug('line ' + i + '\\nsecond part', 'ctx');
        process.kill(process.pid, 'SIGTERM');
      };
      process.on('SIGTERM', cleanup);
      process.stdout.write('ready\\n');
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (chunk.startsWith('ready')) {
        child.kill('SIGTERM');
      }
    });
    const signal = await new Promise((done) => child.on('exit', (_code, s) => done(s)));

    expect(signal).toBe('SIGTERM');
    const lines = allLines(join(root, 'svc'));
    expect(lines).toHaveLength(5000);
    expect(lines[4999]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z {3}DEBUG \[ctx\] line 4999\\nsecond part$/,
    );
    // stdout is as it was: Nest's format, the message's lines as they are.
    expect(output).toMatch(/\[svc\] \d+ {2}- .* {3}DEBUG \[ctx\] line 4999\nsecond part\n/);
  });
});
