/**
 * Which chunks go into which submission: one array job for as many chunks as the site allows,
 * or one job per chunk when arrays are off or unavailable. Resubmitted chunks are not
 * contiguous; that is fine, since an array's elements find their chunks in its chunk list.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { keptResultFile } from '../protocol/kept-result.js';
import type { ResolvedOptions, Resources } from '../options.js';
import type { Queue, SubmitRequest } from '../queues/queue.js';
import type { WorkDir } from '../work-dir/work-dir.js';

/** Elements per array when the scheduler does not say (LSF's default MAX_JOB_ARRAY_SIZE). */
export const DEFAULT_MAX_ARRAY_SIZE = 1000;
/** Longest chunk list on one command line; scattered resubmissions are split to stay under it. */
export const MAX_CHUNK_LIST_LENGTH = 4000;

export function groupForSubmission(
  chunks: readonly number[],
  useArrays: boolean,
  maxArraySize = DEFAULT_MAX_ARRAY_SIZE,
): number[][] {
  if (!useArrays) return chunks.map((c) => [c]);
  const groups: number[][] = [];
  let current: number[] = [];
  // The chunk list's length, kept as we go: closed parts plus the open range at the end.
  let closedLength = 0;
  let rangeStart = -1;
  let rangeEnd = -1;
  const partLength = (a: number, b: number) => (a === b ? `${a}` : `${a}-${b}`).length;
  for (const chunk of chunks) {
    let nextClosed = closedLength;
    let nextStart = chunk;
    if (rangeStart >= 0 && chunk === rangeEnd + 1) nextStart = rangeStart;
    else if (rangeStart >= 0) nextClosed += partLength(rangeStart, rangeEnd) + 1; // +1 for the comma
    const nextLength = nextClosed + partLength(nextStart, chunk);
    if (current.length > 0 && (current.length + 1 > maxArraySize || nextLength > MAX_CHUNK_LIST_LENGTH)) {
      groups.push(current);
      current = [];
      closedLength = 0;
      rangeStart = chunk;
      rangeEnd = chunk;
    } else {
      closedLength = nextClosed;
      rangeStart = nextStart;
      rangeEnd = chunk;
    }
    current.push(chunk);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** What every submission of a map shares; `script` is job.sh (static chunks) or worker.sh (elastic). */
export interface GroupSubmission {
  queue: Queue;
  options: ResolvedOptions;
  workDir: WorkDir;
  script: string;
  /** What these jobs ask for: the map's resources, or a request raised after a memory or time limit. */
  resources: Resources;
  throwIfAborted(): void;
}

/**
 * Submits the items (chunks, or elastic worker tickets) in as few arrays as the site allows;
 * `onSubmitted` records each group's job ids before the next group is submitted, so that a
 * failure part way leaves every submitted job known (and cancelled).
 */
export async function submitInGroups(
  s: GroupSubmission,
  items: readonly number[],
  onSubmitted: (group: number[], ids: string[]) => Promise<void>,
): Promise<void> {
  const { queue, options, workDir } = s;
  const useArrays = options.arrays && queue.supportsArrays;
  const info = useArrays && options.maxArraySize === undefined ? await queue.info(s.resources) : {};
  for (const group of groupForSubmission(items, useArrays, options.maxArraySize ?? info.maxArraySize)) {
    s.throwIfAborted();
    const ids = await queue.submit({
      chunks: group,
      array: useArrays && group.length > 1,
      throttle: options.maxRunning,
      jobName: options.resources.jobName ?? `qmr-${workDir.runId.slice(-8)}`,
      script: s.script,
      schedulerLogDir: workDir.schedulerLogDir,
      workingDir: options.workingDir,
      resources: s.resources,
      submitArgs: options.submitArgs,
      ...(options.fileTransfer ? { fileTransfer: transferRequest(options, workDir, group) } : {}),
    });
    await onSubmitted(group, ids);
  }
}

/**
 * What a job under HTCondor file transfer carries besides the layout's own files: envScript, the
 * user's inputFiles, and its chunk's kept result where its failed tasks rerun (the worker reads it).
 */
function transferRequest(options: ResolvedOptions, workDir: WorkDir, chunks: readonly number[]): NonNullable<SubmitRequest['fileTransfer']> {
  const keptResults = new Map<number, string>();
  for (const chunk of chunks) {
    const kept = keptResultFile(workDir.root, chunk);
    if (existsSync(kept)) keptResults.set(chunk, path.relative(workDir.root, kept));
  }
  return { runDir: workDir.root, inputFiles: [...(options.envScript ? [options.envScript] : []), ...options.fileTransfer!.inputFiles], keptResults };
}
