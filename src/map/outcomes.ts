/**
 * What a chunk's end means for its tasks: the settled value or RemoteTaskError of each (from its
 * result file, or for a chunk that failed for good, the same failure for every task), and the
 * text of the MapError that lists failed tasks. Pure: log paths come in as a function.
 */
import type { ChunkResultFile } from '../protocol/chunk-files.js';
import { RemoteTaskError, type Settled, type TaskFailure } from '../errors.js';

export interface ChunkOutcome<R> {
  chunk: number;
  firstTask: number;
  settled: Settled<R>[];
}

/** Where a chunk's output went (its own logs, or in an elastic map its worker's). */
export type LogsOf = (chunk: number) => { stdout: string; stderr: string };

export function taskFailure(
  logsOf: LogsOf,
  fields: { index: number; chunk: number; jobId: string | undefined; remote: TaskFailure['remote']; message: string },
): TaskFailure {
  const logs = logsOf(fields.chunk);
  return { ...fields, stdoutPath: logs.stdout, stderrPath: logs.stderr };
}

export function outcomeFromResult<R>(chunk: number, firstTask: number, result: ChunkResultFile, logsOf: LogsOf): ChunkOutcome<R> {
  const failures = new Map(result.failures);
  const settled = result.values.map((value, position): Settled<R> => {
    const remote = failures.get(position);
    if (!remote) return { status: 'fulfilled', value: value as R };
    const failure = taskFailure(logsOf, { index: firstTask + position, chunk, jobId: result.jobId, remote, message: `${remote.name}: ${remote.message}` });
    return { status: 'rejected', reason: new RemoteTaskError(failure) };
  });
  return { chunk, firstTask, settled };
}

/**
 * Every task of a chunk that failed for good (no result after maxResubmissions, or fatal), but
 * those in `kept`: a rerun of the chunk's failed tasks that was given up keeps the values its
 * earlier result had (by position in the chunk).
 */
export function failedChunkOutcome<R>(
  chunk: number,
  firstTask: number,
  count: number,
  jobId: string | undefined,
  why: string | undefined,
  logsOf: LogsOf,
  kept: ReadonlyMap<number, unknown> = new Map(),
): ChunkOutcome<R> {
  const message = `chunk ${chunk} ${why ?? 'failed'}`;
  const settled: Settled<R>[] = [];
  for (let i = 0; i < count; i++) {
    if (kept.has(i)) settled.push({ status: 'fulfilled', value: kept.get(i) as R });
    else settled.push({ status: 'rejected', reason: new RemoteTaskError(taskFailure(logsOf, { index: firstTask + i, chunk, jobId, remote: undefined, message })) });
  }
  return { chunk, firstTask, settled };
}

export function describeFailures(failures: TaskFailure[], total: number, workDirNote: string): string {
  const shown = failures.slice(0, 10).map((f) => {
    // The remote stack, without its first line when that only repeats the message.
    const stackLines = f.remote?.stack?.split('\n') ?? [];
    if (stackLines[0]?.trim() === f.message.split('\n')[0]?.trim()) stackLines.shift();
    const stack = stackLines.length > 0 ? `\n${indent(stackLines.slice(0, 8).join('\n'), 6)}` : '';
    const job = f.jobId ? `, job ${f.jobId}` : '';
    return `  task ${f.index} (chunk ${f.chunk}${job}): ${f.message.split('\n')[0]}${f.message.includes('\n') ? `\n${indent(f.message.split('\n').slice(1).join('\n'), 4)}` : ''}${stack}\n      logs: ${f.stdoutPath} ${f.stderrPath}`;
  });
  const more = failures.length > 10 ? `\n  ... and ${failures.length - 10} more (error.failures lists them all)` : '';
  return `${failures.length} of ${total} tasks failed${workDirNote ? ` (${workDirNote})` : ''}:\n${shown.join('\n')}${more}\nThe results of the other tasks are in error.results.`;
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line.trimStart())
    .join('\n');
}
