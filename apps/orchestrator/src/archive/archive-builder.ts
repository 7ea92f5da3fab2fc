import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { countLines } from '@sotto/gdpr';
import type { ObjectSource } from './object-source';
import { DatasetFiles, type WrittenDataset } from './dataset-files';
import { DeflatedPart } from './deflated-part';
import { inlineTransforms, type DatasetTransforms } from './dataset-transform';
import { ndjsonLines } from './ndjson';
import { ZipWriter } from './zip-writer';

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

const NEWLINE = 0x0a;

export interface BuildOptions {
  /** Where the rows are parsed and formatted: a worker thread in the service. */
  transforms?: DatasetTransforms;
  /**
   * A dataset's files written beforehand, while the service was still writing its object
   * (`ExportTail`); undefined when there are none, or they are not of the object as it ended.
   */
  prebuilt?: (service: string, dataset: ArchiveDataset) => Promise<WrittenDataset | undefined>;
  /** Lowered by tests only, to check ZIP64 without writing 4 GiB. */
  zip64Above?: number;
}

/**
 * Writes the export archive to `zipPath`, streaming: each dataset is read from the object source
 * once (twice when its columns are unknown) and becomes a JSON and a CSV file, deflated side by
 * side into part files while the rows are read; the zip then copies the parts. Nothing is held
 * whole in memory, and the zip appears under its name only once complete.
 */
export async function buildArchive(
  input: ArchiveInput,
  objects: ObjectSource,
  zipPath: string,
  options: BuildOptions = {},
): Promise<Manifest> {
  const partsDir = `${zipPath}.parts`;
  const partial = `${zipPath}.partial`;
  await rm(partsDir, { recursive: true, force: true });
  await mkdir(partsDir, { recursive: true, mode: 0o700 });
  const out = await open(partial, 'w', 0o600);
  const zip = new ZipWriter(out, input.createdAt, options.zip64Above);
  const archive: ArchiveWriter = {
    zip,
    objects,
    partsDir,
    transforms: options.transforms ?? inlineTransforms,
    prebuilt: options.prebuilt,
    parts: 0,
  };
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
    await zip.addBuffer(
      'manifest.json',
      Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'),
    );
    await zip.finish();
    await out.close();
    await rename(partial, zipPath);
    return manifest;
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(partsDir, { recursive: true, force: true });
  }
}

interface ArchiveWriter {
  zip: ZipWriter;
  objects: ObjectSource;
  partsDir: string;
  transforms: DatasetTransforms;
  prebuilt: BuildOptions['prebuilt'];
  /** Part files made so far: their names. */
  parts: number;
}

function partPath(archive: ArchiveWriter): string {
  return join(archive.partsDir, `${archive.parts++}.deflate`);
}

async function addDataset(
  archive: ArchiveWriter,
  service: string,
  dataset: ArchiveDataset,
): Promise<ManifestDataset> {
  // Service and dataset names are contract-checked ([a-z0-9_-]): safe in paths.
  const source = `${service}/${dataset.name}`;
  let written = await archive.prebuilt?.(service, dataset);
  if (written === undefined) {
    const columns = dataset.columns ?? (await keysOf(archive.objects, dataset.object, source));
    const files = new DatasetFiles(archive.transforms, source, columns, () => partPath(archive));
    try {
      for await (const chunk of await archive.objects.open(dataset.object)) {
        await files.push(chunk as Buffer);
      }
      written = await files.finish();
    } catch (error) {
      files.destroy();
      throw error;
    }
  }
  const jsonPath = `${source}.json`;
  const csvPath = `${source}.csv`;
  await archive.zip.addDeflated(jsonPath, written.json);
  await archive.zip.addDeflated(csvPath, written.csv);
  return {
    name: dataset.name,
    rows: written.rows,
    files: { [jsonPath]: written.json.sha256, [csvPath]: written.csv.sha256 },
  };
}

/** `logs/<service>.log`, the service's lines as they came; lines counted here, not trusted. */
async function addLogs(
  archive: ArchiveWriter,
  service: string,
  logs: ArchiveLogs,
): Promise<ManifestLogs> {
  const file = `logs/${service}.log`;
  const out = new DeflatedPart(partPath(archive));
  let lines = 0;
  let last = NEWLINE;
  try {
    if (logs.object !== undefined) {
      for await (const chunk of await archive.objects.open(logs.object)) {
        const bytes = chunk as Buffer;
        lines += countLines(bytes);
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
  const written = await out.end();
  await archive.zip.addDeflated(file, written);
  // A last line without its line end is a line too.
  return { file, lines: last === NEWLINE ? lines : lines + 1, sha256: written.sha256 };
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
