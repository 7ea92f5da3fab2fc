import { mkdir, rename, rm } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile, type ReadStreamOptions } from 'yazl';
import type { ObjectSource } from './object-source';
import { csvHeader, csvLine } from './csv';
import { HashedOutput } from './hashed-output';
import { ndjsonLines, type NdjsonLine } from './ndjson';

export interface ArchiveDataset {
  name: string;
  /** Object in the exports bucket holding the rows as NDJSON. */
  object: string;
  /** The announced CSV columns; when the service never announced the dataset, the rows' keys. */
  columns?: readonly string[];
}

/** A service's log lines about the subject: plain text in the exports bucket, if any. */
export interface ArchiveLogs {
  object?: string;
}

export interface ArchiveInput {
  subject: string;
  createdAt: Date;
  services: { name: string; status: string; datasets: ArchiveDataset[]; logs?: ArchiveLogs }[];
}

export interface ManifestDataset {
  name: string;
  rows: number;
  /** Path in the zip → SHA-256 of the file, hex. */
  files: Record<string, string>;
}

export interface ManifestLogs {
  /** Path in the zip: `logs/<service>.log`. */
  file: string;
  lines: number;
  sha256: string;
}

export interface ManifestService {
  status: string;
  datasets: ManifestDataset[];
  /** Present for a service that sent its log lines (an empty file when there were none). */
  logs?: ManifestLogs;
}

export interface Manifest {
  formatVersion: 1;
  subject: string;
  createdAt: string;
  services: Record<string, ManifestService>;
}

// An archive is downloaded once: zlib's fastest level costs a fraction of the default (6) and
// the zip is only a few per cent larger.
const ENTRY_OPTIONS: Partial<ReadStreamOptions> = { mode: 0o100600, compressionLevel: 1 };
// How far the rows may run ahead of the zip's deflate (zlib's threads) and of the disk: a few
// chunks, so that parsing and compressing overlap instead of waiting for each other per chunk.
const ENTRY_BUFFER_BYTES = 8 * 1024 * 1024;
const FILE_BUFFER_BYTES = 4 * 1024 * 1024;
const NEWLINE = Buffer.from('\n');
const SEPARATOR = Buffer.from(',\n');

/**
 * Writes the export archive to `zipPath`, streaming: each dataset is read from the object source
 * once (twice when its columns are unknown); its JSON file goes straight into the zip while its
 * CSV file is written to a temporary file, added right after. Nothing is held whole in memory,
 * and the zip appears under its name only once complete.
 */
export async function buildArchive(
  input: ArchiveInput,
  objects: ObjectSource,
  zipPath: string,
): Promise<Manifest> {
  const partsDir = `${zipPath}.parts`;
  const partial = `${zipPath}.partial`;
  await rm(partsDir, { recursive: true, force: true });
  await mkdir(partsDir, { recursive: true, mode: 0o700 });
  const zip = new ZipFile();
  const failed = new AbortController();
  const written = pipeline(zip.outputStream, createWriteStream(partial, { mode: 0o600 }));
  // A write failure stops every wait for the zip to take more data.
  written.catch((error: unknown) => failed.abort(error));
  const archive: ArchiveWriter = { zip, objects, partsDir, signal: failed.signal };
  try {
    const manifest: Manifest = {
      formatVersion: 1,
      subject: input.subject,
      createdAt: input.createdAt.toISOString(),
      services: {},
    };
    for (const service of [...input.services].sort((a, b) => a.name.localeCompare(b.name))) {
      const entry: ManifestService = { status: service.status, datasets: [] };
      for (const dataset of service.datasets) {
        entry.datasets.push(await addDataset(archive, service.name, dataset));
      }
      if (service.logs) {
        entry.logs = await addLogs(archive, service.name, service.logs);
      }
      manifest.services[service.name] = entry;
    }
    zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'), 'manifest.json', {
      mode: 0o100600,
    });
    zip.end();
    await written;
    await rename(partial, zipPath);
    return manifest;
  } catch (error) {
    // Stops the pipeline: the partial zip is then removed.
    if (zip.outputStream instanceof Readable) {
      zip.outputStream.destroy();
    }
    await written.catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(partsDir, { recursive: true, force: true });
  }
}

interface ArchiveWriter {
  zip: ZipFile;
  objects: ObjectSource;
  partsDir: string;
  signal: AbortSignal;
}

/** A zip entry whose content is written while the zip reads it. */
function streamedEntry(archive: ArchiveWriter, path: string): HashedOutput {
  const entry = new PassThrough({ highWaterMark: ENTRY_BUFFER_BYTES });
  archive.zip.addReadStreamLazy(path, ENTRY_OPTIONS, (ready) => ready(null, entry));
  return new HashedOutput(entry, archive.signal);
}

async function addDataset(
  archive: ArchiveWriter,
  service: string,
  dataset: ArchiveDataset,
): Promise<ManifestDataset> {
  const source = `${service}/${dataset.name}`;
  const columns = dataset.columns ?? (await keysOf(archive.objects, dataset.object, source));
  const jsonPath = `${source}.json`;
  const csvPath = `${source}.csv`;
  // Service and dataset names are contract-checked ([a-z0-9_-]): safe as path segments.
  await mkdir(join(archive.partsDir, service), { recursive: true, mode: 0o700 });
  const csvFile = join(archive.partsDir, csvPath);
  const json = streamedEntry(archive, jsonPath);
  const csv = new HashedOutput(
    createWriteStream(csvFile, { mode: 0o600, highWaterMark: FILE_BUFFER_BYTES }),
    archive.signal,
  );
  let rows = 0;
  try {
    await json.write(Buffer.from('['));
    if (columns.length > 0) {
      await csv.write(Buffer.from(csvHeader(columns), 'utf8'));
    }
    for await (const lines of ndjsonLines(await archive.objects.open(dataset.object), source)) {
      // One write per batch of lines to each file.
      await json.write(jsonPiece(lines, rows === 0));
      await csv.write(Buffer.from(csvPiece(columns, lines), 'utf8'));
      rows += lines.length;
    }
    await json.write(Buffer.from(rows === 0 ? ']\n' : '\n]\n'));
  } catch (error) {
    json.destroy();
    csv.destroy();
    throw error;
  }
  const hashes = { [jsonPath]: await json.end(false), [csvPath]: await csv.end() };
  archive.zip.addReadStreamLazy(csvPath, ENTRY_OPTIONS, (ready) =>
    ready(null, createReadStream(csvFile, { highWaterMark: FILE_BUFFER_BYTES })),
  );
  return { name: dataset.name, rows, files: hashes };
}

// The lines' own bytes, each checked to be a JSON object: together an array's elements.
function jsonPiece(lines: readonly NdjsonLine[], first: boolean): Buffer {
  const parts: Buffer[] = [];
  lines.forEach((line, index) => {
    parts.push(first && index === 0 ? NEWLINE : SEPARATOR, line.json);
  });
  return Buffer.concat(parts);
}

function csvPiece(columns: readonly string[], lines: readonly NdjsonLine[]): string {
  let text = '';
  for (const line of lines) {
    text += csvLine(columns, line.row);
  }
  return text;
}

/** `logs/<service>.log`, the service's lines as they came; lines counted here, not trusted. */
async function addLogs(
  archive: ArchiveWriter,
  service: string,
  logs: ArchiveLogs,
): Promise<ManifestLogs> {
  const file = `logs/${service}.log`;
  const out = streamedEntry(archive, file);
  let lines = 0;
  let last = NEWLINE[0];
  try {
    if (logs.object !== undefined) {
      for await (const chunk of await archive.objects.open(logs.object)) {
        const bytes = chunk as Buffer;
        for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) {
          lines++;
        }
        if (bytes.length > 0) {
          last = bytes[bytes.length - 1];
        }
        await out.write(bytes);
      }
    }
  } catch (error) {
    out.destroy();
    throw error;
  }
  // A last line without its line end is a line too.
  return { file, lines: last === NEWLINE[0] ? lines : lines + 1, sha256: await out.end(false) };
}

// The union of the rows' keys in order of appearance, for a dataset nobody described.
async function keysOf(objects: ObjectSource, object: string, source: string): Promise<string[]> {
  const keys = new Set<string>();
  for await (const lines of ndjsonLines(await objects.open(object), source)) {
    for (const { row } of lines) {
      for (const key of Object.keys(row)) {
        keys.add(key);
      }
    }
  }
  return [...keys];
}
