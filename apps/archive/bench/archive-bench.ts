import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { AdminApi } from './bench-admin';
import { checkpoint, generate, tableFacts } from './bench-data';
import { startPlatform, type Platform } from './bench-platform';

// `pnpm bench [--subject N] [--others N] [--growth N]`: export and erasure of one user with
// --subject archived messages among --others archived messages of other users, then again
// with the others' data --growth times larger (1 skips the second round).
interface Options {
  subject: number;
  others: number;
  growth: number;
}

interface Round {
  others: number;
  exportS: number;
  exportArchiveS: number | undefined;
  /** The same export again, once the services' code is warm. */
  exportAgainS: number;
  exportAgainArchiveS: number | undefined;
  downloadS: number;
  zipMb: number;
  erasureS: number;
  erasureArchiveS: number | undefined;
  deleted: number | undefined;
  kept: number | undefined;
}

function options(argv: string[]): Options {
  const value = (name: string, fallback: number): number => {
    const index = argv.indexOf(`--${name}`);
    const raw = index === -1 ? undefined : argv[index + 1];
    const parsed = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new Error(`--${name} takes a positive integer`);
    }
    return parsed;
  };
  const chosen = {
    subject: value('subject', 100_000),
    others: value('others', 1_000_000),
    growth: value('growth', 10),
  };
  if (chosen.others < chosen.subject || (chosen.others - chosen.subject) % 2 !== 0) {
    throw new Error('--others must be at least --subject, and differ from it by an even number');
  }
  return chosen;
}

const seconds = (ms: number) => ms / 1000;

type TimedExport = Pick<Round, 'exportS' | 'exportArchiveS' | 'downloadS' | 'zipMb'>;

/** One export of the subject, timed from the request to the end of the download. */
async function timedExport(
  platform: Platform,
  api: AdminApi,
  subject: string,
  subjectRows: number,
): Promise<TimedExport> {
  // Someone else's test on the shared NATS server may have announced a service since the start:
  // the export would wait for it until its deadline, so say so now instead.
  await checkRegistry(platform);
  await checkpoint();
  const exportStart = performance.now();
  const exported = await api.call<{ job: { id: string } }>('POST', '/exports', { jid: subject });
  if (exported.status !== 202) {
    throw new Error(`the export answered ${exported.status}`);
  }
  const exportJob = await api.waitForJob(exported.body.job.id, exportStart);
  if (exportJob.job.status !== 'completed') {
    throw new Error(`the export failed: ${exportJob.job.error ?? 'no reason given'}`);
  }
  const downloadStart = performance.now();
  const zipBytes = await api.download(exported.body.job.id);
  const exportEnd = performance.now();
  const records = exportJob.job.services.archive?.records;
  if (records !== subjectRows) {
    throw new Error(`the export holds ${records} archive rows, not ${subjectRows}`);
  }
  return {
    exportS: seconds(exportEnd - exportStart),
    exportArchiveS:
      exportJob.archiveDoneMs === undefined ? undefined : seconds(exportJob.archiveDoneMs),
    downloadS: seconds(exportEnd - downloadStart),
    zipMb: zipBytes / 2 ** 20,
  };
}

async function round(platform: Platform, subjectRows: number, otherRows: number): Promise<Round> {
  const api = new AdminApi(platform);
  const subject = `bench-${randomBytes(6).toString('hex')}@localhost`;
  const created = await api.call('PUT', `/accounts/${encodeURIComponent(subject)}`, {
    password: randomBytes(12).toString('base64url'),
  });
  if (created.status !== 201) {
    throw new Error(`creating the subject answered ${created.status}`);
  }
  console.log(`\n— ${subjectRows} messages of the subject among ${otherRows} of other users`);
  const generating = performance.now();
  await generate(platform.archiveUrl, { subject, subjectRows, otherRows }, (done, total) => {
    // A progress line on a terminal only: a log file gets the result line alone.
    if (process.stdout.isTTY) {
      process.stdout.write(`\r  generating: ${Math.round((100 * done) / total)} %`);
    }
  });
  const generateS = seconds(performance.now() - generating);
  const facts = await tableFacts(platform.archiveUrl, subject);
  if (process.stdout.isTTY) {
    process.stdout.write('\r\x1b[2K');
  }
  console.log(
    `  generated ${facts.rows} rows (${(facts.bytes / 2 ** 20).toFixed(0)} MiB with indexes) in ${generateS.toFixed(1)} s; ` +
      `the subject owns ${facts.subjectRows}, others hold ${facts.heldByOthers} copies of theirs`,
  );

  // Someone else's test on the shared NATS server may have announced a service since the start:
  // the export would wait for it until its deadline, so say so now instead.
  // The first export after the services started (their code not yet optimised by the JIT),
  // then the same export again, as on a server that has been running for a while.
  const first = await timedExport(platform, api, subject, subjectRows);
  const again = await timedExport(platform, api, subject, subjectRows);

  await checkRegistry(platform);
  await checkpoint();
  const erasureStart = performance.now();
  const erased = await api.call<{ job: { id: string } }>(
    'DELETE',
    `/accounts/${encodeURIComponent(subject)}`,
  );
  if (erased.status !== 202) {
    throw new Error(`the erasure answered ${erased.status}`);
  }
  const erasureJob = await api.waitForJob(erased.body.job.id, erasureStart);
  if (erasureJob.job.status !== 'completed') {
    throw new Error(`the erasure failed: ${erasureJob.job.error ?? 'no reason given'}`);
  }
  const mamPm = erasureJob.job.services.archive?.datasets?.find((d) => d.name === 'mam_pm');
  const result: Round = {
    others: otherRows,
    ...first,
    exportAgainS: again.exportS,
    exportAgainArchiveS: again.exportArchiveS,
    erasureS: seconds(erasureJob.doneMs),
    erasureArchiveS:
      erasureJob.archiveDoneMs === undefined ? undefined : seconds(erasureJob.archiveDoneMs),
    deleted: mamPm?.deleted,
    kept: mamPm?.kept,
  };
  console.log(
    `  export: ${result.exportS.toFixed(2)} s (archive service done after ${result.exportArchiveS?.toFixed(2)} s, ` +
      `download ${result.downloadS.toFixed(2)} s of a ${result.zipMb.toFixed(1)} MiB zip); ` +
      `again: ${again.exportS.toFixed(2)} s (archive service done after ${again.exportArchiveS?.toFixed(2)} s)`,
  );
  console.log(
    `  erasure: ${result.erasureS.toFixed(2)} s (archive service done after ${result.erasureArchiveS?.toFixed(2)} s; ` +
      `deleted ${result.deleted}, kept ${result.kept})`,
  );
  return result;
}

/** Refuses to run when the registry names a service nobody runs: every job would wait for it. */
async function checkRegistry(platform: Platform): Promise<void> {
  const api = new AdminApi(platform);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body } = await api.call<{ service: string }[]>('GET', '/services');
    const registered = body.map((entry) => entry.service);
    const stale = registered.filter((name) => !platform.started.includes(name));
    if (stale.length > 0) {
      throw new Error(
        `registered but not running: ${stale.join(', ')}. Jobs would wait for them; ` +
          'decommission them (DELETE /api/v1/services/<name>) if they are gone for good',
      );
    }
    if (registered.includes('archive') || Date.now() > deadline) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * An export and an erasure of a user without messages first: the measured runs then do not
 * include services starting, and these times are what the rest of the platform costs anyway.
 */
async function warmUp(platform: Platform): Promise<{ exportS: number; erasureS: number }> {
  const api = new AdminApi(platform);
  const jid = `bench-warm-${randomBytes(6).toString('hex')}@localhost`;
  await api.call('PUT', `/accounts/${encodeURIComponent(jid)}`, { password: 'warm-up-password' });
  const timed = async (method: string, path: string, body?: unknown): Promise<number> => {
    const started = performance.now();
    const response = await api.call<{ job: { id: string } }>(method, path, body);
    const { job, doneMs } = await api.waitForJob(response.body.job.id, started, 120_000);
    if (job.status !== 'completed') {
      throw new Error(`the warm-up ${method} failed: ${job.error ?? 'no reason given'}`);
    }
    return seconds(doneMs);
  };
  // The first export waits for every service to start consuming; the second is the one timed.
  await timed('POST', '/exports', { jid });
  const exportS = await timed('POST', '/exports', { jid });
  const erasureS = await timed('DELETE', `/accounts/${encodeURIComponent(jid)}`);
  return { exportS, erasureS };
}

async function main(): Promise<void> {
  const chosen = options(process.argv.slice(2));
  console.log(
    `archive extraction benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`,
  );
  const platform = await startPlatform();
  try {
    await checkRegistry(platform);
    const empty = await warmUp(platform);
    console.log(
      `a user without messages: export ${empty.exportS.toFixed(2)} s (job), erasure ${empty.erasureS.toFixed(2)} s`,
    );
    const rounds = [await round(platform, chosen.subject, chosen.others)];
    if (chosen.growth > 1) {
      const grown = chosen.others * chosen.growth;
      rounds.push(await round(platform, chosen.subject, grown + ((grown - chosen.subject) % 2)));
    }
    console.log(
      '\nothers’ rows   export (s)   archive answered   again (s)   archive answered   erasure (s)   archive answered',
    );
    const cell = (value: number | undefined, width: number) =>
      (value === undefined ? '?' : value.toFixed(2)).padStart(width);
    for (const r of rounds) {
      console.log(
        `${String(r.others).padStart(12)}   ${cell(r.exportS, 10)}   ${cell(r.exportArchiveS, 16)}   ` +
          `${cell(r.exportAgainS, 9)}   ${cell(r.exportAgainArchiveS, 16)}   ` +
          `${cell(r.erasureS, 11)}   ${cell(r.erasureArchiveS, 16)}`,
      );
    }
    const [base, grown] = rounds;
    if (base !== undefined && grown !== undefined) {
      const change = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(0)} %`;
      console.log(
        `with ${chosen.growth}× the others' data: export ${change(base.exportS, grown.exportS)} ` +
          `(again ${change(base.exportAgainS, grown.exportAgainS)}), ` +
          `erasure ${change(base.erasureS, grown.erasureS)}`,
      );
    }
  } finally {
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
