/**
 * `qmr inspect`: a chunk's tasks, and each task's result or error, decoded from the work dir.
 * Decoding never evaluates code. --json turns types JSON lacks into tagged objects.
 */
import { readResultFile } from '../protocol/result-file.js';
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import type { ChunkResultFile, ChunkTasksFile } from '../protocol/chunk-files.js';
import { decode } from '../protocol/codec.js';
import type { RemoteErrorRecord } from '../protocol/chunk-files.js';
import type { WorkDirLayout } from '../protocol/work-dir-layout.js';

export interface TaskView {
  index: number;
  task: unknown;
  status: 'fulfilled' | 'rejected' | 'no result yet';
  value?: unknown;
  error?: RemoteErrorRecord;
}

export interface ChunkView {
  chunk: number;
  jobId?: string;
  host?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Why the map gave the chunk up (its jobs kept dying, or its result could not be read). */
  failure?: string;
  tasks: TaskView[];
}

export async function inspectChunk(layout: WorkDirLayout, chunk: number, failure?: string): Promise<ChunkView> {
  let input: ChunkTasksFile;
  try {
    input = decode(await readFile(layout.chunkFile(chunk))) as ChunkTasksFile;
  } catch (error) {
    throw new Error(`chunk ${chunk} has no readable task file (${layout.chunkFile(chunk)}): ${(error as Error).message}`);
  }
  let result: ChunkResultFile | undefined;
  try {
    result = await readResultFile(layout, chunk, input.tasks.length);
  } catch (error) {
    // No result yet is normal; one that cannot be read is said, not shown as "no result yet".
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    result = undefined;
  }
  const failures = new Map(result?.failures ?? []);
  const tasks = input.tasks.map((task, i): TaskView => {
    const index = input.firstTask + i;
    if (!result) return { index, task, status: 'no result yet' };
    const error = failures.get(i);
    return error ? { index, task, status: 'rejected', error } : { index, task, status: 'fulfilled', value: result.values[i] };
  });
  return {
    chunk,
    ...(result ? { jobId: result.jobId, host: result.host, startedAt: result.startedAt, finishedAt: result.finishedAt } : {}),
    ...(failure && !result ? { failure } : {}),
    tasks,
  };
}

export function renderChunk(view: ChunkView): string {
  // A given-up chunk has no result and never will: say why rather than "not yet".
  const head = view.jobId
    ? `chunk ${view.chunk}: ran as job ${view.jobId} on ${view.host}, ${view.startedAt} → ${view.finishedAt}`
    : view.failure
      ? `chunk ${view.chunk}: failed, no result: ${view.failure}`
      : `chunk ${view.chunk}: no result file yet`;
  const failed = view.tasks.filter((t) => t.status === 'rejected').length;
  const tally = view.jobId ? `\n${view.tasks.length - failed} of ${view.tasks.length} task(s) returned a value${failed ? `, ${failed} threw` : ''}` : '';
  const body = view.tasks.map((t) => {
    const task = inspect(t.task, { depth: 4, breakLength: 100 });
    if (t.status === 'fulfilled') return `task ${t.index}: ${task}\n  → ${inspect(t.value, { depth: 4, breakLength: 100 }).replace(/\n/g, '\n    ')}`;
    if (t.status === 'rejected') return `task ${t.index}: ${task}\n  ✗ ${(t.error?.stack ?? `${t.error?.name}: ${t.error?.message}`).replace(/\n/g, '\n    ')}`;
    return `task ${t.index}: ${task}\n  (${view.failure ? 'no result' : 'no result yet'})`;
  });
  return `${head}${tally}\n${body.join('\n')}\n`;
}

/** JSON for scripts: values JSON cannot hold become {"$type": ..., "value": ...}. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return { $type: 'bigint', value: v.toString() };
    if (v === undefined) return { $type: 'undefined' };
    if (typeof v === 'number' && !Number.isFinite(v)) return { $type: 'number', value: String(v) };
    if (v instanceof Map) return { $type: 'Map', value: [...v.entries()] };
    if (v instanceof Set) return { $type: 'Set', value: [...v.values()] };
    if (v instanceof RegExp) return { $type: 'RegExp', value: String(v) };
    if (v instanceof Error) return { $type: v.name, message: v.message, stack: v.stack };
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { $type: v.constructor.name, value: Array.from(v as unknown as ArrayLike<number>) };
    return v;
  }, 2);
}
