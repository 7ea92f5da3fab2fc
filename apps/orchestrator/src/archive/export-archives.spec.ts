import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { collectedLogObjectName, collectedObjectName } from '@sotto/contracts';
import type { JobServiceRecord, JobState } from '../jobs/job-state';
import { inlineTransforms } from './dataset-transform';
import { ExportArchives } from './export-archives';
import type { ObjectSource } from './object-source';

const jobId = '7d8f0b2c-5e1a-4c3b-9a6d-2f4e8b1c0a9e';
const otherJob = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

class FakeObjects implements ObjectSource {
  readonly opened: string[] = [];
  constructor(private readonly objects: Map<string, string>) {}
  async open(name: string): Promise<Readable> {
    this.opened.push(name);
    return Readable.from([Buffer.from(this.objects.get(name) ?? '')]);
  }
  async delete(): Promise<void> {}
}

function stateWith(service: Partial<JobServiceRecord>): JobState {
  const now = new Date();
  return {
    job: {
      id: jobId,
      kind: 'export',
      status: 'running',
      subjectJid: 'alice@example.org',
      subjectHash: 'hash',
      deadlineAt: now,
      createdAt: now,
      finishedAt: null,
      error: null,
    },
    services: [
      {
        jobId,
        service: 'roster',
        status: 'completed',
        records: 1,
        waitingSince: now,
        answeredAt: now,
        datasets: [
          { name: 'roster', rows: 1, object: collectedObjectName(jobId, 'roster', 'roster') },
        ],
        logs: null,
        ...service,
      },
    ],
  };
}

describe('ExportArchives', () => {
  let dir: string;
  let objects: FakeObjects;
  let sut: ExportArchives;
  const announced = new Map([['roster', [{ name: 'roster', columns: ['jid'] }]]]);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchestrator-exports-'));
    objects = new FakeObjects(
      new Map([
        [collectedObjectName(jobId, 'roster', 'roster'), '{"jid":"bob@example.org"}\n'],
        [collectedLogObjectName(jobId, 'roster'), 'a line\n'],
      ]),
    );
    sut = new ExportArchives(
      objects,
      { EXPORT_DIR: dir, EXPORT_RETENTION_HOURS: 24, EXPORT_BUILD_WHILE_COLLECTING: true },
      inlineTransforms,
    );
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the archive from the objects the contract names for this job', async () => {
    const logs = { lines: 1, object: collectedLogObjectName(jobId, 'roster') };
    await sut.build(stateWith({ logs }), announced);
    expect(objects.opened).toEqual([collectedObjectName(jobId, 'roster', 'roster'), logs.object]);
    expect(await readdir(dir)).toEqual([`${jobId}.zip`]);
  });

  it('refuses an answer naming another job’s or another service’s object, reading nothing', async () => {
    const foreignRows = stateWith({
      datasets: [
        { name: 'roster', rows: 1, object: collectedObjectName(otherJob, 'roster', 'roster') },
      ],
    });
    await expect(sut.build(foreignRows, announced)).rejects.toThrow(
      `roster named the object ${otherJob}/roster/roster.ndjson for roster`,
    );
    const foreignLogs = stateWith({
      logs: { lines: 1, object: collectedLogObjectName(jobId, 'accounts') },
    });
    await expect(sut.build(foreignLogs, announced)).rejects.toThrow('for its log lines');
    expect(objects.opened).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});
