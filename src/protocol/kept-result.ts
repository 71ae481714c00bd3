/**
 * Kept results: when a chunk's failed tasks run again (rerunFailed), its result file so far moves
 * to <run>/kept/results/chunk-N.result, laid out like the results folder so that the one result
 * reader (result-file.ts) checks it. The worker that reruns the chunk runs only the tasks that
 * failed there and writes one whole result file: the kept successes as they were, the rerun tasks'
 * new values or errors. So every reader of results sees complete chunks, static or elastic, and a
 * chunk given up during its rerun keeps its successes for the next one.
 */
import path from 'node:path';
import type { ChunkResultFile } from './chunk-files.js';
import { readResultFile } from './result-file.js';
import { WorkDirLayout } from './work-dir-layout.js';

/** The layout whose results folder holds the kept results of `root`'s chunks. */
export function keptLayout(root: string): WorkDirLayout {
  return new WorkDirLayout(path.join(root, 'kept'));
}

export function keptResultFile(root: string, chunk: number): string {
  return keptLayout(root).resultFile(chunk);
}

/** The chunk's kept result, checked; undefined when there is none. Throws when it is there but unreadable. */
export async function readKeptResult(root: string, chunk: number, tasks: number): Promise<ChunkResultFile | undefined> {
  try {
    return await readResultFile(keptLayout(root), chunk, tasks);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Positions (in the chunk) of the tasks a kept result says failed: the ones to run again. */
export function failedPositions(result: ChunkResultFile): number[] {
  return [...new Set(result.failures.map(([position]) => position))].sort((a, b) => a - b);
}
