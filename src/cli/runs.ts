/**
 * Finding and describing runs for the qmr command: the run record, the journal replayed, the
 * result files present, and whether the submitting process is still alive.
 */
import { readRunRecord, type RunRecord } from '../resume/run-json.js';
import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { readJournal } from '../resume/journal.js';
import { replayJournal, type RecordedRun } from '../resume/journal-replay.js';
import { chunkOfFileName, WorkDirLayout } from '../protocol/work-dir-layout.js';
import { exists } from '../work-dir/work-dir.js';
import { failedTasksByChunk } from './task-failures.js';

/** run.json (see run-json.ts). */
export type RunRecordFile = RunRecord;

export type RunState = 'running' | 'finished' | 'failed' | 'aborted' | 'detached' | 'interrupted';

export interface RunInfo {
  dir: string;
  layout: WorkDirLayout;
  record: RunRecordFile;
  recorded: RecordedRun;
  results: Set<number>;
  /** chunk → how many of its tasks threw, for chunks with a result file. */
  failedTasks: Map<number, number>;
  /** Job ids the journal says were cancelled (by the map at its end, or by `qmr cancel`). */
  cancelledJobs: Set<string>;
  /**
   * 'failed' also when the map ran to its end but tasks threw or chunks were given up: the map
   * rejected with a MapError, and the journal's 'finished' only says the submitting process
   * was not stopped.
   */
  state: RunState;
  /** Whether the submitting process is alive: 'alive' | 'gone' | 'unknown' (it ran on another host). */
  submitter: 'alive' | 'gone' | 'unknown';
  submitterPid: number;
  submitterHost: string;
}

/** The run folders named, or (none named) every run under ./.qmr; a folder of runs is expanded. */
export async function findRunDirs(dirs: string[], cwd = process.cwd()): Promise<string[]> {
  const roots = dirs.length > 0 ? dirs.map((d) => path.resolve(cwd, d)) : [path.join(cwd, '.qmr')];
  const found: string[] = [];
  for (const root of roots) {
    if (await isRunDir(root)) {
      found.push(root);
      continue;
    }
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const candidate = path.join(root, entry.name);
      if (entry.isDirectory() && (await isRunDir(candidate))) found.push(candidate);
    }
    if (dirs.length > 0 && entries.length === 0 && !(await exists(root))) {
      throw new Error(`${root} does not exist`);
    }
  }
  return found;
}

async function isRunDir(dir: string): Promise<boolean> {
  return exists(path.join(dir, 'run.json'));
}

export async function loadRun(dir: string): Promise<RunInfo> {
  const layout = new WorkDirLayout(dir);
  const record = await readRunRecord(layout);
  const records = await readJournal(layout.journal);
  const recorded = replayJournal(records);
  const results = new Set<number>();
  for (const name of await readdir(layout.resultsDir).catch(() => [])) {
    const chunk = chunkOfFileName(name, 'result');
    if (chunk !== undefined) results.add(chunk);
  }
  let submitterPid = record.pid;
  let submitterHost = record.host;
  for (const r of records) {
    if (r.t === 'start' || r.t === 'resume') {
      submitterPid = r.pid;
      submitterHost = r.host;
    }
  }
  const cancelledJobs = new Set(records.flatMap((r) => (r.t === 'cancel' ? r.ids : [])));
  const failedTasks = await failedTasksByChunk(layout, recorded, results);
  const submitter = submitterHost !== hostname() ? 'unknown' : isAlive(submitterPid) ? 'alive' : 'gone';
  let state: RunState;
  if (recorded.ended) state = recorded.ended.outcome as RunState;
  else state = submitter === 'gone' ? 'interrupted' : 'running';
  const anythingFailed = [...failedTasks.values()].some((n) => n > 0) || [...recorded.chunks.values()].some((c) => c.phase === 'failed' && !failedTasks.has(c.chunk));
  if (state === 'finished' && anythingFailed) state = 'failed';
  return { dir, layout, record, recorded, results, failedTasks, cancelledJobs, state, submitter, submitterPid, submitterHost };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What the journal and the result files say about a chunk:
 * done: it ran and every task returned; failed: given up, or it ran and some of its tasks threw;
 * queued: its last job may still be in the queue (`qmr status` asks the scheduler);
 * cancelled: its last job was cancelled (the map stopped, or `qmr cancel`); unsubmitted.
 */
export type JournalChunkState = 'done' | 'failed' | 'queued' | 'cancelled' | 'unsubmitted';

export interface ChunkSummary {
  chunk: number;
  firstTask: number;
  tasks: number;
  state: JournalChunkState;
  /** Tasks of this chunk that failed: those that threw, or all of them when the chunk was given up. */
  failedTasks: number;
  job: string | undefined;
  attempts: number;
  lastReason: string | undefined;
}

export function chunkSummaries(run: RunInfo): ChunkSummary[] {
  return [...run.recorded.chunks.values()]
    .sort((a, b) => a.chunk - b.chunk)
    .map((c): ChunkSummary => {
      const job = c.attempts.at(-1)?.jobId;
      const threw = run.failedTasks.get(c.chunk) ?? 0;
      let state: JournalChunkState;
      let failedTasks = 0;
      if (run.failedTasks.has(c.chunk)) {
        // a readable result file: the chunk ran, whatever the journal says
        state = threw > 0 ? 'failed' : 'done';
        failedTasks = threw;
      } else if (c.phase === 'failed' || run.results.has(c.chunk)) {
        // given up, or its result file cannot be read (the map gives such a chunk up)
        state = 'failed';
        failedTasks = c.count;
      } else if (job !== undefined && run.cancelledJobs.has(job)) {
        state = 'cancelled';
      } else if (c.phase === 'unsubmitted') {
        state = 'unsubmitted';
      } else {
        // 'queued', or 'done' whose result file has gone: either way the journal's last job may be queued.
        state = 'queued';
      }
      const lastReason =
        threw > 0
          ? `${threw} of ${c.count} task(s) threw: qmr inspect ${run.dir} ${c.chunk}`
          : (c.failure ?? c.attempts.findLast((a) => a.endedBecause)?.endedBecause);
      return { chunk: c.chunk, firstTask: c.firstTask, tasks: c.count, state, failedTasks, job, attempts: c.attempts.length, lastReason };
    });
}
