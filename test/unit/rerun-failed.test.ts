import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keptResultFile } from '../../src/protocol/kept-result.js';
import { prepareReruns } from '../../src/resume/rerun-failed.js';
import type { RecordedChunk, RecordedRun } from '../../src/resume/journal-replay.js';
import { WorkDir } from '../../src/work-dir/work-dir.js';
import { temporaryFolder } from '../helpers/tmp.js';

let folder: { path: string; cleanup: () => Promise<void> };
let workDir: WorkDir;
beforeEach(async () => {
  folder = await temporaryFolder('qmr-rerun-');
  workDir = await WorkDir.create({ exact: path.join(folder.path, 'run'), parent: folder.path });
});
afterEach(async () => folder?.cleanup());

/** A run whose chunk 0 finished with one of its two tasks failed. */
function runWithFailedTask(): RecordedRun {
  const chunk: RecordedChunk = { chunk: 0, firstTask: 0, count: 2, hash: 'h', attempts: [], phase: 'done', failedTasks: 1 };
  return { fingerprint: undefined, startedAt: undefined, chunks: new Map([[0, chunk]]), workers: new Map(), input: undefined, resubmissions: 0, ended: undefined, lastTime: undefined, resumes: 0 };
}

describe('prepareReruns', () => {
  it('refuses, naming the file and the error, when a result file cannot be read (EISDIR here; EIO, EACCES alike), and moves nothing', async () => {
    // A directory where the file is: reading it fails as EIO would, as root too.
    await mkdir(workDir.resultFile(0));
    await expect(prepareReruns(runWithFailedTask(), workDir, 'fn')).rejects.toThrow(
      new RegExp(`rerunFailed: cannot read ${workDir.resultFile(0).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*EISDIR`),
    );
    expect(await readdir(workDir.resultsDir)).toEqual(['chunk-000000.result']);
    await expect(readdir(path.dirname(keptResultFile(workDir.root, 0)))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('moves a result that does not decode aside and reruns the whole chunk', async () => {
    await writeFile(workDir.resultFile(0), 'garbage');
    const { chunks, records } = await prepareReruns(runWithFailedTask(), workDir, 'fn');
    expect([...chunks]).toEqual([0]);
    expect(records).toMatchObject([{ t: 'rerun', chunk: 0, fn: 'fn' }]);
    expect(records[0]).not.toHaveProperty('tasks');
    expect(await readdir(workDir.resultsDir)).toEqual([]);
  });
});
