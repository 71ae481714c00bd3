/**
 * Rerunning a work dir's failed tasks (rerunFailed 'same-fn' or 'any-fn'), as a map is run again
 * or resumed: each chunk whose tasks threw has its result moved to the kept results
 * (kept-result.ts), and runs again, its worker running only the tasks that failed; a chunk given
 * up (no result after maxResubmissions) runs again whole, or, if a kept result is there from an
 * earlier rerun, only that one's failed tasks. A 'rerun' record in the journal says which tasks
 * run again and with which fn. Successes are never recomputed.
 *
 * The result file is moved before the record is written: a process that dies in between leaves a
 * chunk the journal calls done with failures and whose result is kept, which the next run reruns
 * the same way.
 */
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { ChunkResultFile } from '../protocol/chunk-files.js';
import { shortFn, type JournalRecord } from './journal.js';
import { failedPositions, keptResultFile, readKeptResult } from '../protocol/kept-result.js';
import { readResultFile, ResultFileError } from '../protocol/result-file.js';
import type { RecordedChunk, RecordedRun } from './journal-replay.js';
import type { WorkDir } from '../work-dir/work-dir.js';

/** Sets the failed chunks of a resumed run to run again; returns them and their journal records. */
export async function prepareReruns(recorded: RecordedRun, workDir: WorkDir, fn: string): Promise<{ chunks: Set<number>; records: JournalRecord[] }> {
  const chunks = new Set<number>();
  const records: JournalRecord[] = [];
  const time = new Date().toISOString();
  for (const c of recorded.chunks.values()) {
    const threw = c.phase === 'done' && (c.failedTasks ?? 0) > 0;
    if (!threw && c.phase !== 'failed') continue;
    // A given-up chunk has no result, unless an unreadable one (moved aside like any other).
    const positions = await keepResult(workDir, c);
    chunks.add(c.chunk);
    records.push({ t: 'rerun', time, chunk: c.chunk, ...(positions ? { tasks: positions } : {}), fn });
  }
  return { chunks, records };
}

/**
 * The fn each job of earlier processes ran (shortFn), so that a result read again is journaled
 * with the fn that produced it, not the one this process runs: a done chunk's as recorded, any
 * other job's the fn in force before this process.
 */
export function earlierJobFunctions(recorded: RecordedRun): Map<string, string> {
  const jobs = new Map<string, string>();
  if (!recorded.fingerprint) return jobs;
  const before = shortFn(recorded.fingerprint.fn);
  for (const w of recorded.workers.values()) jobs.set(w.jobId, before);
  for (const c of recorded.chunks.values()) {
    for (const a of c.attempts) jobs.set(a.jobId, (c.phase === 'done' ? c.fn : undefined) ?? before);
  }
  return jobs;
}

/** Moves a chunk's result to the kept results; the positions of its failed tasks (undefined: all of them). */
async function keepResult(workDir: WorkDir, c: RecordedChunk): Promise<number[] | undefined> {
  let result: ChunkResultFile | undefined;
  try {
    result = await readResultFile(workDir, c.chunk, c.count);
  } catch (error) {
    // Moved already by a run that stopped before journaling the rerun: the kept one says.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return keptFailures(workDir, c);
    // A file system error (EIO, EACCES, too many open files) says nothing of the file: moved aside
    // it would be unreadable to the worker too, which would then run every task, successes too.
    if (!(error instanceof ResultFileError)) {
      throw new Error(
        `rerunFailed: cannot read ${workDir.resultFile(c.chunk)}, the result of chunk ${c.chunk}, to rerun its failed tasks: ${(error as Error).message}. Fix the cause and run the map again`,
        { cause: error },
      );
    }
    // Does not decode: kept for the user to look at; the worker finds it unreadable too and runs every task.
  }
  const kept = keptResultFile(workDir.root, c.chunk);
  await mkdir(path.dirname(kept), { recursive: true, mode: 0o700 });
  await rename(workDir.resultFile(c.chunk), kept);
  return result ? failedPositions(result) : undefined;
}

/** The failed tasks of a chunk's kept result, if it has a readable one. */
async function keptFailures(workDir: WorkDir, c: RecordedChunk): Promise<number[] | undefined> {
  const kept = await readKeptResult(workDir.root, c.chunk, c.count).catch(() => undefined);
  return kept ? failedPositions(kept) : undefined;
}
