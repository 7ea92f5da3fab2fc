import { mkdir, rename, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { ObjectSource } from './object-source';
import { csvHeader, csvLine } from './csv';
import { HashedFile } from './hashed-file';
import { ndjsonRows } from './ndjson';

export interface ArchiveDataset {
  name: string;
  /** Object in the exports bucket holding the rows as NDJSON. */
  object: string;
  /** The announced CSV columns; when the service never announced the dataset, the rows' keys. */
  columns?: readonly string[];
}

export interface ArchiveInput {
  subject: string;
  createdAt: Date;
  services: { name: string; status: string; datasets: ArchiveDataset[] }[];
}

export interface ManifestDataset {
  name: string;
  rows: number;
  /** Path in the zip → SHA-256 of the file, hex. */
  files: Record<string, string>;
}

export interface Manifest {
  formatVersion: 1;
  subject: string;
  createdAt: string;
  services: Record<string, { status: string; datasets: ManifestDataset[] }>;
}

/**
 * Writes the export archive to `zipPath`, streaming: each dataset is read from the object source
 * once (twice when its columns are unknown), written to a JSON and a CSV temp file while hashing,
 * and only then added to the zip, so no export is ever held in memory. The zip appears under
 * its name only once complete.
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
  const written = pipeline(zip.outputStream, createWriteStream(partial, { mode: 0o600 }));
  // Report a write failure when it happens, not only when the zip is ended.
  written.catch(() => undefined);
  try {
    const manifest: Manifest = {
      formatVersion: 1,
      subject: input.subject,
      createdAt: input.createdAt.toISOString(),
      services: {},
    };
    for (const service of [...input.services].sort((a, b) => a.name.localeCompare(b.name))) {
      const datasets: ManifestDataset[] = [];
      for (const dataset of service.datasets) {
        const files = await writeDataset(service.name, dataset, objects, partsDir);
        for (const file of files.paths) {
          zip.addFile(join(partsDir, file), file, { mode: 0o100600 });
        }
        datasets.push({ name: dataset.name, rows: files.rows, files: files.hashes });
      }
      manifest.services[service.name] = { status: service.status, datasets };
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

async function writeDataset(
  service: string,
  dataset: ArchiveDataset,
  objects: ObjectSource,
  partsDir: string,
): Promise<{ rows: number; paths: string[]; hashes: Record<string, string> }> {
  const source = `${service}/${dataset.name}`;
  const columns = dataset.columns ?? (await keysOf(objects, dataset.object, source));
  const jsonPath = `${source}.json`;
  const csvPath = `${source}.csv`;
  // Service and dataset names are contract-checked ([a-z0-9_-]): safe as path segments.
  await mkdir(join(partsDir, service), { recursive: true, mode: 0o700 });
  const json = new HashedFile(join(partsDir, jsonPath));
  const csv = new HashedFile(join(partsDir, csvPath));
  let rows = 0;
  try {
    await json.write('[');
    if (columns.length > 0) {
      await csv.write(csvHeader(columns));
    }
    for await (const row of ndjsonRows(await objects.open(dataset.object), source)) {
      await json.write((rows === 0 ? '\n' : ',\n') + JSON.stringify(row));
      await csv.write(csvLine(columns, row));
      rows++;
    }
    await json.write(rows === 0 ? ']\n' : '\n]\n');
  } catch (error) {
    json.destroy();
    csv.destroy();
    throw error;
  }
  return {
    rows,
    paths: [jsonPath, csvPath],
    hashes: { [jsonPath]: await json.close(), [csvPath]: await csv.close() },
  };
}

// The union of the rows' keys in order of appearance, for a dataset nobody described.
async function keysOf(objects: ObjectSource, object: string, source: string): Promise<string[]> {
  const keys = new Set<string>();
  for await (const row of ndjsonRows(await objects.open(object), source)) {
    for (const key of Object.keys(row)) {
      keys.add(key);
    }
  }
  return [...keys];
}
