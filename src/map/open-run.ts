/**
 * The start of a map: refuses what cannot run before anything is created, chooses the layout
 * (or takes the one recorded, on resume), opens the work dir under its lock, and writes the
 * journal's first record ('start', or 'resume'). The map's loop (map-run.ts) runs what this opened.
 */
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { ChunkPlan } from './chunking.js';
import type { ElasticPlan } from '../elastic/plan.js';
import { describeFunction } from '../function/describe-function.js';
import { refuseBeforeCreating } from './preflight.js';
import type { ResolvedOptions } from '../options.js';
import type { FunctionSpec } from '../protocol/function-file.js';
import { WorkDirLayout } from '../protocol/work-dir-layout.js';
import type { Queue } from '../queues/queue.js';
import { functionFingerprint } from '../resume/fingerprint.js';
import { replayJournal, type RecordedRun } from '../resume/journal-replay.js';
import { Journal, readJournal, shortFn, type Fingerprint } from '../resume/journal.js';
import { freshPlan, recordedPlan, type RunPlan } from './run-plan.js';
import { claimExistingWorkDir } from '../work-dir/work-dir-claim.js';
import { LOCK_DIR_NAME, WorkDirLock } from '../work-dir/work-dir-lock.js';
import { openWorkDir, WorkDir } from '../work-dir/work-dir.js';

/** What to map: the user's fn and tasks, or (qmr resume) the function spec a run recorded. */
export interface MapSource {
  fn?: unknown;
  spec?: FunctionSpec;
  tasks: Iterable<unknown> | AsyncIterable<unknown>;
  /** Keep the job.sh the first run wrote (qmr resume has no environment of the user's to write). */
  keepJobScript?: boolean;
}

export interface OpenedRun {
  workDir: WorkDir;
  journal: Journal;
  /** Held from opening the work dir until the map's end: one map per work dir at a time. */
  lock: WorkDirLock | undefined;
  /** The run the work dir holds, when this map resumes it. */
  recorded: RecordedRun | undefined;
  plan: ChunkPlan;
  /** Set for an elastic map. */
  elasticPlan: ElasticPlan | undefined;
  /** shortFn of the fn this process runs, for the journal's records of results. */
  fn: string;
  fnSpec: FunctionSpec;
  /** How many tasks, when they came as an array. */
  count: number | undefined;
}

/** Opens the run; undefined for an empty task array (nothing to do). The lock is released if it fails. */
export async function openRun(options: ResolvedOptions, queue: Queue, cwd: string, source: MapSource): Promise<OpenedRun | undefined> {
  await refuseBeforeCreating(options, queue.flavor, cwd, source.tasks);
  const fnSpec = source.spec ?? (await describeFunction(source.fn, cwd));
  const count = Array.isArray(source.tasks) ? source.tasks.length : undefined;
  const opening: { lock?: WorkDirLock } = {};
  try {
    return await openLocked(options, queue, cwd, fnSpec, count, opening);
  } catch (error) {
    await opening.lock?.release();
    throw error;
  }
}

async function openLocked(
  options: ResolvedOptions,
  queue: Queue,
  cwd: string,
  fnSpec: FunctionSpec,
  count: number | undefined,
  opening: { lock?: WorkDirLock },
): Promise<OpenedRun | undefined> {
  const { hash: fnHash, description: fnDescription } = await functionFingerprint(fnSpec);
  // Before its journal is read: the work dir must be the caller's and no other map's.
  if (options.workDir !== undefined) opening.lock = await claimExistingWorkDir(options.workDir);
  const recorded = await recordedRun(options);
  let layout: RunPlan;
  let workDir: WorkDir;
  if (recorded) {
    layout = recordedPlan(recorded, {
      workDir: options.workDir!,
      fnHash,
      fnDescription,
      flavor: queue.flavor,
      chunkSize: options.chunkSize,
      tasks: count,
      rerunFailed: options.rerunFailed,
    });
    workDir = await openWorkDir(options.workDir!);
    // A `qmr cancel` was meant for the submitter that was running then; running the map again
    // is the user's say that it should go on, so an old request must not stop it at once.
    await rm(workDir.cancelRequest, { force: true });
  } else {
    if (count === 0) {
      await opening.lock?.release();
      return undefined;
    }
    layout = await freshPlan(count, options, queue);
    workDir = await WorkDir.create({ exact: options.workDir, parent: path.join(cwd, '.qmr'), ignore: [LOCK_DIR_NAME] });
    opening.lock ??= await WorkDirLock.acquire(workDir.root);
  }
  const { plan, elasticPlan } = layout;
  const journal = new Journal(workDir.journal);
  const now = new Date().toISOString();
  const tookOver = opening.lock?.tookOver;
  if (tookOver) {
    await journal.append({ t: 'lock-takeover', time: now, pid: process.pid, host: hostname(), from: tookOver.holder, why: tookOver.why });
  }
  const run = { workDir, journal, lock: opening.lock, recorded, plan, elasticPlan, fn: shortFn(fnHash), fnSpec, count };
  if (recorded) {
    // A changed fn (accepted by rerunFailed 'any-fn') is recorded: the results from here on are its.
    const changed = recorded.fingerprint?.fn !== fnHash;
    await journal.append({ t: 'resume', time: now, pid: process.pid, host: hostname(), ...(changed ? { fn: { hash: fnHash, description: fnDescription } } : {}) });
    return run;
  }
  const fingerprint: Fingerprint = {
    fn: fnHash,
    fnDescription,
    flavor: queue.flavor,
    chunkSize: plan.chunkSize,
    ...(plan.growing ? { growing: true } : {}),
    ...(plan.bulk ? { bulk: { size: plan.bulk.size, chunks: plan.bulk.chunks } } : {}),
    ...(elasticPlan ? { elastic: { workers: elasticPlan.workers, ...(plan.growUpTo ? { growUpTo: plan.growUpTo } : {}) } } : {}),
  };
  await journal.append({ t: 'start', time: now, pid: process.pid, host: hostname(), fingerprint });
  return run;
}

/** The journal of the work dir named by the workDir option, when there is one (resume). */
async function recordedRun(options: ResolvedOptions): Promise<RecordedRun | undefined> {
  if (options.workDir === undefined) return undefined;
  const records = await readJournal(new WorkDirLayout(options.workDir).journal);
  if (records.length === 0) return undefined;
  return replayJournal(records);
}
