import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import { CliError } from './cli-error';
import { Job, JobList, JobResponse, Registered } from './job.schema';
import type { Settings } from './settings';

// A JSON call that takes this long is not coming back; downloads have no limit.
const REQUEST_TIMEOUT_MS = 30_000;

/** The orchestrator's HTTP API (`/api/v1`), as the operator's admin. */
export class OrchestratorClient {
  constructor(private readonly settings: Settings) {}

  register(input: { domain: string; password?: string }): Promise<Registered> {
    return this.json(Registered, 'POST', '/accounts', input);
  }

  registerIdentified(jid: string, password: string): Promise<Registered> {
    return this.json(Registered, 'PUT', `/accounts/${encodeURIComponent(jid)}`, { password });
  }

  startExport(jid: string): Promise<Job> {
    return this.json(JobResponse, 'POST', '/exports', { jid });
  }

  startErasure(jid: string): Promise<Job> {
    return this.json(JobResponse, 'DELETE', `/accounts/${encodeURIComponent(jid)}`);
  }

  getJob(id: string): Promise<Job> {
    return this.getJobJson(id).then((body) => parseAnswer(JobResponse, body));
  }

  /** The job exactly as the server sent it. */
  async getJobJson(id: string): Promise<unknown> {
    const response = await this.send('GET', `/jobs/${encodeURIComponent(id)}`);
    return readJson(response);
  }

  listJobs(): Promise<Job[]> {
    return this.json(JobList, 'GET', '/jobs');
  }

  /**
   * Streams an export's zip to `file`, through a temporary file beside it so that a failed
   * download never leaves a truncated archive under the name asked for. Returns the bytes written.
   */
  async downloadArchive(id: string, file: string): Promise<number> {
    const response = await this.send('GET', `/exports/${encodeURIComponent(id)}/archive`, {
      timeout: false,
    });
    if (response.body === null) {
      throw new CliError('the orchestrator sent an empty archive');
    }
    const partial = `${file}.partial`;
    const output = createWriteStream(partial, { mode: 0o600 });
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), output);
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw new CliError(
        `archive download failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return output.bytesWritten;
  }

  private async json<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: object,
  ): Promise<z.output<S>> {
    const response = await this.send(method, path, { body });
    return parseAnswer(schema, await readJson(response));
  }

  /** One request; any answer but 2xx becomes a CliError carrying the server's reason. */
  private async send(
    method: string,
    path: string,
    options: { body?: object; timeout?: boolean } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.settings.token}`,
      accept: 'application/json',
    };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(this.settings.url + path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.timeout === false ? undefined : AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new CliError(
          `orchestrator at ${this.settings.url} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`,
        );
      }
      // fetch rejects with a TypeError for every network failure: refused, unknown host, reset.
      throw new CliError(`orchestrator unreachable at ${this.settings.url}`);
    }
    if (!response.ok) {
      throw new CliError(`${await errorReason(response)} (HTTP ${response.status})`);
    }
    return response;
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`the orchestrator answered ${response.status} with something not JSON`);
  }
}

function parseAnswer<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `unexpected answer from the orchestrator: ${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** NestJS answers `{statusCode, message, error}`, message a string or a list of them. */
async function errorReason(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  let reason: unknown = text;
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null) {
      reason =
        'message' in body ? body.message : 'error' in body ? body.error : response.statusText;
    }
  } catch {
    // Not JSON: the text itself is the reason.
  }
  const line = (Array.isArray(reason) ? reason.join('; ') : String(reason))
    .replace(/\s+/g, ' ')
    .slice(0, 300);
  return line || response.statusText || 'request refused';
}
