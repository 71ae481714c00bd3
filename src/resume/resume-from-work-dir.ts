/**
 * Resuming a run from its work dir alone (what `qmr resume` does): the function comes from
 * function.json, the tasks from the chunk files, the queue settings from run.json. Results land
 * in the work dir, where the user's own program (run again with the same workDir) or
 * `qmr inspect` reads them.
 */
import { readFile } from 'node:fs/promises';
import type { FunctionFile } from '../protocol/function-file.js';
import type { ChunkTasksFile } from '../protocol/chunk-files.js';
import { decode } from '../protocol/codec.js';
import { MapRun } from '../map/map-run.js';
import { resolveOptions, type PoolOptions } from '../options.js';
import { pollerFor } from '../map/poller.js';
import type { Progress } from '../progress/progress.js';
import { detectFlavor } from '../queues/detect.js';
import { openQueue } from '../queues/registry.js';
import { readJournal } from './journal.js';
import { readRunRecord } from './run-json.js';
import { replayJournal } from './journal-replay.js';
import { WorkDirLayout } from '../protocol/work-dir-layout.js';
import { checkWorkDirTrusted } from '../work-dir/work-dir-trust.js';

export interface ResumeSummary {
  workDir: string;
  tasks: number;
  failedTasks: number;
}

export async function resumeRun(
  dir: string,
  options: { progress?: boolean; onProgress?: (p: Progress) => void; signal?: AbortSignal; rerunFailed?: PoolOptions['rerunFailed'] } = {},
): Promise<ResumeSummary> {
  // Before anything in it is read: resuming runs its job.sh as the caller and believes its results.
  await checkWorkDirTrusted(dir);
  const layout = new WorkDirLayout(dir);
  const record = await readRunRecord(layout);
  const recorded = replayJournal(await readJournal(layout.journal));
  if (!recorded.fingerprint) throw new Error(`${dir} has no journal to resume from`);
  if (!recorded.input) {
    throw new Error(
      `${dir} cannot be resumed without its program: the first run stopped before all its tasks were written. ` +
        'Run your program again with this workDir.',
    );
  }
  const saved = record.options ?? {};
  const resolved = resolveOptions({
    ...saved,
    workDir: dir,
    keepWorkDir: 'always',
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.rerunFailed !== undefined ? { rerunFailed: options.rerunFailed } : {}),
  });
  // run.json records the flavor the run really used ('auto' already resolved).
  const queue = openQueue(resolved, resolved.flavor === 'auto' ? detectFlavor(resolved.commands).flavor : resolved.flavor);
  const fnFile = decode(await readFile(layout.functionFile)) as FunctionFile;
  const run = new MapRun<unknown>(resolved, queue, pollerFor(queue), process.cwd(), options.signal);
  let tasks = 0;
  let failedTasks = 0;
  for await (const outcome of run.outcomesInOrder({ spec: fnFile.fn, tasks: tasksFromChunkFiles(layout, recorded.input.chunks), keepJobScript: true })) {
    for (const s of outcome.settled) {
      tasks += 1;
      if (s.status === 'rejected') failedTasks += 1;
    }
  }
  return { workDir: dir, tasks, failedTasks };
}

async function* tasksFromChunkFiles(layout: WorkDirLayout, chunks: number): AsyncGenerator<unknown> {
  for (let chunk = 0; chunk < chunks; chunk++) {
    const file = decode(await readFile(layout.chunkFile(chunk))) as ChunkTasksFile;
    yield* file.tasks;
  }
}
