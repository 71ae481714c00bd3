import { mkdir, readdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_FILE_VERSION } from '../../src/protocol/chunk-files.js';
import { ChunkTracker } from '../../src/map/chunk-tracker.js';
import { encode } from '../../src/protocol/codec.js';
import { Journal, readJournal } from '../../src/resume/journal.js';
import { READ_ERROR_WARNING_MS, ResultCollector, UNREADABLE_RESULT_GRACE_MS } from '../../src/map/result-collector.js';
import { writeFileAtomic } from '../../src/protocol/work-dir-layout.js';
import { WorkDir } from '../../src/work-dir/work-dir.js';
import { temporaryFolder } from '../helpers/tmp.js';

// An unreadable result file (garbage, a torn write, a file a shared file system shows cut short)
// must end its attempt, never the map's progress: before, the chunk was marked seen before its
// file was read, and the map waited for it forever.
let folder: { path: string; cleanup: () => Promise<void> };
let workDir: WorkDir;
beforeEach(async () => {
  folder = await temporaryFolder('qmr-collector-');
  workDir = await WorkDir.create({ exact: path.join(folder.path, 'run'), parent: folder.path });
});
afterEach(async () => folder?.cleanup());

function setUp(maxResubmissions = 2) {
  const tracker = new ChunkTracker({ maxResubmissions, missingGrace: 0, heldTimeout: 60_000, stalledTimeout: 60_000 });
  tracker.add(0);
  tracker.submitted([0], ['j1'], 0);
  const journal = new Journal(workDir.journal);
  const collector = new ResultCollector<number>({
    workDir,
    tracker,
    journal,
    tasksOf: (chunk) => (chunk === 0 ? { firstTask: 0, count: 2 } : undefined),
    fnOf: () => 'fn',
    logsOf: () => ({ stdout: 'out', stderr: 'err' }),
  });
  // As the map's loop does: the collector reads, the tracker takes what it found.
  const collect = async (now: number) => tracker.resultsRead(await collector.collect(now));
  return { tracker, journal, collector, collect };
}

const good = () => encode({ version: CHUNK_FILE_VERSION, chunk: 0, jobId: 'j1', host: 'n1', pid: 1, startedAt: '', finishedAt: '', values: [10, 20], failures: [] });
const resultsFolder = () => readdir(workDir.resultsDir);

describe('ResultCollector and unreadable result files', () => {
  it('reads a garbage file again for a while, then fails that attempt: set aside, job deleted, chunk resubmitted, the file named', async () => {
    const { tracker, collector, collect } = setUp();
    tracker.observe(new Map([['j1', { state: 'running', native: 'r' }]]), 1, 1);
    await writeFile(workDir.resultFile(0), 'garbage from a stray writer\n');
    expect(await collect(1000)).toEqual([]);
    expect(tracker.record(0)!.phase).toBe('queued'); // within the re-read time: still the attempt's
    const actions = await collect(1000 + UNREADABLE_RESULT_GRACE_MS);
    expect(actions).toEqual([{ kind: 'cancel', jobIds: ['j1'] }]);
    const r = tracker.record(0)!;
    expect(r.phase).toBe('unsubmitted');
    expect(r.attempts[0]!.endedBecause).toContain(`its result file ${workDir.resultFile(0)} cannot be decoded`);
    expect(r.attempts[0]!.endedBecause).toMatch(/set aside as .*chunk-000000\.result\.unreadable-\d+/);
    expect(tracker.drainEvents()).toMatchObject([{ kind: 'retired', chunk: 0, job: 'j1' }]);
    // Kept for a look, out of the results: the next attempt's file is read as usual.
    expect(await resultsFolder()).toEqual([expect.stringMatching(/^chunk-000000\.result\.unreadable-\d+$/)]);
    tracker.submitted([0], ['j2'], 7000);
    await writeFileAtomic(workDir.resultFile(0), good());
    await collect(8000);
    expect(collector.take(0)!.settled).toEqual([{ status: 'fulfilled', value: 10 }, { status: 'fulfilled', value: 20 }]);
    expect(tracker.record(0)!.phase).toBe('done');
  });

  it('takes a file that is cut short at first and whole at a re-read, with no attempt failed', async () => {
    const { tracker, collector, journal, collect } = setUp();
    const bytes = good();
    await writeFile(workDir.resultFile(0), bytes.slice(0, 20));
    await collect(1000);
    expect(collector.take(0)).toBeUndefined();
    await writeFile(workDir.resultFile(0), bytes);
    await collect(1000 + UNREADABLE_RESULT_GRACE_MS / 2);
    expect(collector.take(0)!.settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(tracker.record(0)!.attempts[0]!.endedBecause).toBeUndefined();
    await journal.flush();
    expect((await readJournal(workDir.journal)).filter((r) => r.t === 'done')).toHaveLength(1);
  });

  it('past maxResubmissions the chunk fails with the reason, as an outcome the map yields (it never waits forever)', async () => {
    const { tracker, collector, collect } = setUp(0);
    await writeFile(workDir.resultFile(0), encode({ version: CHUNK_FILE_VERSION, chunk: 0, jobId: 'j1', values: [1], failures: [] }));
    await collect(0);
    expect(await collect(UNREADABLE_RESULT_GRACE_MS)).toEqual([]); // the job's status unknown: nothing to delete
    await collector.collectFailed();
    const outcome = collector.take(0)!;
    expect(outcome.settled).toHaveLength(2);
    expect(outcome.settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(tracker.record(0)!.failure).toMatch(/gave up after 1 attempts[\s\S]*chunk-000000\.result holds 1 values for 2 tasks/);
  });

  it('a file the file system will not read (EISDIR here; EIO, ESTALE, EACCES alike) is read again, never set aside nor its tasks failed; a warning says so once', async () => {
    const { tracker, collector, collect } = setUp(0);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // A directory where the file is: readFile fails with EISDIR, as root too (chmod would not stop root).
      await mkdir(workDir.resultFile(0));
      for (const now of [0, UNREADABLE_RESULT_GRACE_MS, 2 * UNREADABLE_RESULT_GRACE_MS, READ_ERROR_WARNING_MS, READ_ERROR_WARNING_MS + 1000]) {
        expect(await collect(now)).toEqual([]);
      }
      await collector.collectFailed();
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      const r = tracker.record(0)!;
      expect(r.phase).toBe('queued');
      expect(r.attempts).toHaveLength(1);
      expect(r.attempts[0]!.endedBecause).toBeUndefined();
      expect(collector.take(0)).toBeUndefined();
      expect(await resultsFolder()).toEqual(['chunk-000000.result']);
      const ours = warnings.filter((w) => (w as NodeJS.ErrnoException).code === 'QMR_RESULT_READ_ERROR');
      expect(ours).toHaveLength(1);
      expect(ours[0]!.message).toContain(workDir.resultFile(0));
      expect(ours[0]!.message).toMatch(/EISDIR/);
      // Once the file can be read, its result is taken as the attempt's.
      await rmdir(workDir.resultFile(0));
      await writeFileAtomic(workDir.resultFile(0), good());
      await collect(READ_ERROR_WARNING_MS + 2000);
      expect(collector.take(0)!.settled).toEqual([{ status: 'fulfilled', value: 10 }, { status: 'fulfilled', value: 20 }]);
      expect(tracker.record(0)!.phase).toBe('done');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
