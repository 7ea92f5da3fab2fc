import type { Command } from './args';
import { CliError } from './cli-error';
import { formatErasureReport, formatJob, formatJobsTable } from './job-format';
import { jobProgress, type ErrorStream } from './job-progress';
import type { Job } from './job.schema';
import type { OrchestratorClient } from './orchestrator-client';
import { POLL_INTERVAL_MS, waitForJob } from './wait-for-job';

export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: ErrorStream;
  pollIntervalMs?: number;
}

/** Runs one command against the orchestrator; failures are thrown as CliError. */
export async function runCommand(
  command: Exclude<Command, { name: 'help' }>,
  client: OrchestratorClient,
  io: CommandIo,
): Promise<void> {
  switch (command.name) {
    case 'register': {
      const account = await client.register({ domain: command.domain, password: command.password });
      io.stdout.write(`jid: ${account.jid}\n`);
      if (command.password === undefined && account.password) {
        io.stdout.write(`password: ${account.password}\n`);
      }
      return;
    }
    case 'register_identified': {
      const account = await client.registerIdentified(command.jid, command.password);
      io.stdout.write(`jid: ${account.jid}\n`);
      return;
    }
    case 'retrieve_personal_data': {
      const job = await follow(await client.startExport(command.jid), client, io);
      const bytes = await client.downloadArchive(job.id, command.out);
      io.stdout.write(`wrote ${command.out} (${bytes} bytes) from export ${job.id}\n`);
      return;
    }
    case 'unregister': {
      const job = await follow(await client.startErasure(command.jid), client, io);
      io.stdout.write(formatErasureReport(job));
      return;
    }
    case 'jobs':
      io.stdout.write(formatJobsTable(await client.listJobs()));
      return;
    case 'job':
      io.stdout.write(
        command.json
          ? JSON.stringify(await client.getJobJson(command.id), null, 2) + '\n'
          : formatJob(await client.getJob(command.id)),
      );
      return;
  }
}

/** Shows the job's progress until it ends; a failed job is the command's failure. */
async function follow(job: Job, client: OrchestratorClient, io: CommandIo): Promise<Job> {
  const progress = jobProgress(io.stderr);
  // The job lives in the orchestrator: leaving the CLI does not stop it, so say how to find it.
  const interrupted = (): void => {
    progress.stop();
    io.stderr.write(
      `sottoctl: interrupted; ${job.kind} ${job.id} goes on (sottoctl job ${job.id})\n`,
    );
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    const final = await waitForJob(
      job,
      (id) => client.getJob(id),
      progress,
      io.pollIntervalMs ?? POLL_INTERVAL_MS,
    );
    if (final.status === 'failed') {
      throw new CliError(`${final.kind} ${final.id} failed: ${final.error ?? 'no reason given'}`);
    }
    return final;
  } finally {
    process.off('SIGINT', interrupted);
  }
}
