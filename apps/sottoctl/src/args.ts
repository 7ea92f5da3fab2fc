import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error';

export type Command =
  | { name: 'help' }
  | { name: 'register'; domain: string; password?: string }
  | { name: 'register_identified'; jid: string; password: string }
  | { name: 'retrieve_personal_data'; jid: string; out: string }
  | { name: 'unregister'; jid: string }
  | { name: 'jobs' }
  | { name: 'job'; id: string; json: boolean };

type CommandName = Exclude<Command['name'], 'help'>;

const synopsis: Record<CommandName, string> = {
  register: 'register --domain D [--password P]',
  register_identified: 'register_identified --user U --domain D --password P',
  retrieve_personal_data: 'retrieve_personal_data --jid J --out FILE.zip',
  unregister: 'unregister --jid J',
  jobs: 'jobs',
  job: 'job ID [--json]',
};

export const USAGE = `usage: sottoctl <command> [options]

  ${synopsis.register}
      new account with a random JID; prints the JID, and the password when none was given
  ${synopsis.register_identified}
      new account user@domain
  ${synopsis.retrieve_personal_data}
      exports everything held about J (GDPR access request) and writes the zip archive
  ${synopsis.unregister}
      erases J's account and data (GDPR erasure), then prints what each service deleted and kept
  ${synopsis.jobs}
      lists the export and erasure jobs
  ${synopsis.job}
      shows one job (--json: as the API returns it)

environment:
  ORCHESTRATOR_URL  the orchestrator's HTTP API (default http://127.0.0.1:8088/api/v1)
  ADMIN_TOKEN       its bearer token (default: read from $SOTTO_STATE_DIR/secrets.env,
                    SOTTO_STATE_DIR defaulting to .sotto)
`;

/** Reads the command line (without `node main.js`); throws UsageError when it is wrong. */
export function parseCommand(argv: string[]): Command {
  const [name, ...args] = argv;
  if (name === undefined) {
    throw new UsageError('missing command (sottoctl --help lists them)');
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    return { name: 'help' };
  }
  if (!isCommandName(name)) {
    throw new UsageError(`unknown command '${name}' (sottoctl --help lists them)`);
  }
  const usage = (reason: string) => new UsageError(`${reason}; usage: sottoctl ${synopsis[name]}`);
  switch (name) {
    case 'register': {
      const { values } = parse(args, { domain: string, password: string }, 0, usage);
      return {
        name,
        domain: required(values.domain, 'domain', usage),
        password: optional(values.password, 'password', usage),
      };
    }
    case 'register_identified': {
      const { values } = parse(args, { user: string, domain: string, password: string }, 0, usage);
      const user = required(values.user, 'user', usage);
      if (user.includes('@') || user.includes('/')) {
        throw usage('--user is the part before the @');
      }
      const domain = required(values.domain, 'domain', usage);
      return {
        name,
        jid: `${user}@${domain}`,
        password: required(values.password, 'password', usage),
      };
    }
    case 'retrieve_personal_data': {
      const { values } = parse(args, { jid: string, out: string }, 0, usage);
      return {
        name,
        jid: required(values.jid, 'jid', usage),
        out: required(values.out, 'out', usage),
      };
    }
    case 'unregister': {
      const { values } = parse(args, { jid: string }, 0, usage);
      return { name, jid: required(values.jid, 'jid', usage) };
    }
    case 'jobs':
      parse(args, {}, 0, usage);
      return { name };
    case 'job': {
      const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 1, usage);
      const [id] = positionals;
      if (!id) {
        throw usage('missing the job ID');
      }
      return { name, id, json: values.json === true };
    }
  }
}

const string = { type: 'string' } as const;

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(synopsis, name);
}

type Options = NonNullable<ParseArgsConfig['options']>;

function parse<O extends Options>(
  args: string[],
  options: O,
  maxPositionals: number,
  usage: (reason: string) => UsageError,
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw usage(describeParseError(error));
  }
  if (parsed.positionals.length > maxPositionals) {
    throw usage(`unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return parsed;
}

// node:util's messages are long and suggest `--` tricks; say what is wrong in a few words.
function describeParseError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'an option';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('argument missing')
        ? `${option} needs a value`
        : `${option} takes no value`;
    default:
      return message.split('\n')[0];
  }
}

function required(
  value: string | undefined,
  option: string,
  usage: (reason: string) => UsageError,
): string {
  if (value === undefined) {
    throw usage(`missing --${option}`);
  }
  return nonEmpty(value, option, usage);
}

function optional(
  value: string | undefined,
  option: string,
  usage: (reason: string) => UsageError,
): string | undefined {
  return value === undefined ? undefined : nonEmpty(value, option, usage);
}

function nonEmpty(value: string, option: string, usage: (reason: string) => UsageError): string {
  if (value.trim() === '') {
    throw usage(`--${option} is empty`);
  }
  return value;
}
