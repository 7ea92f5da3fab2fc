import { parseCommand, USAGE } from './args';
import { CliError } from './cli-error';
import { runCommand, type CommandIo } from './commands';
import { OrchestratorClient } from './orchestrator-client';
import { loadSettings } from './settings';

export interface CliIo extends CommandIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The whole CLI: returns the exit status, having written any failure as one line on stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const command = parseCommand(argv);
    if (command.name === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    await runCommand(command, new OrchestratorClient(loadSettings(io.env, io.cwd)), io);
    return 0;
  } catch (error) {
    const failure =
      error instanceof CliError
        ? error
        : new CliError(error instanceof Error ? error.message : String(error));
    io.stderr.write(`sottoctl: ${failure.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return failure.exitStatus;
  }
}
