/**
 * Feeding tasks into chunk files: splits the tasks by the plan, checks that every task can make
 * the trip (naming the first that cannot), writes each chunk file atomically and journals it.
 * When resuming, each chunk is compared with the first run's (by the hash of its bytes) and not
 * written again; different tasks are refused. A function of its inputs: the caller learns of
 * each chunk through `onChunk`.
 */
import { CHUNK_FILE_VERSION, type ChunkTasksFile } from '../protocol/chunk-files.js';
import { chunkSizeAt, type ChunkPlan } from './chunking.js';
import { encode } from '../protocol/codec.js';
import { approximateSize, describeEncodeFailure, encodeFailureOf, formatBytes, isTooLarge } from '../protocol/encode-failure.js';
import { ResumeMismatchError, SerializationError } from '../errors.js';
import { sha256 } from '../resume/fingerprint.js';
import type { Journal, JournalRecord } from '../resume/journal.js';
import type { RecordedRun } from '../resume/journal-replay.js';
import { writeFileAtomic } from '../protocol/work-dir-layout.js';
import { exists, type WorkDir } from '../work-dir/work-dir.js';

export interface FeedContext {
  workDir: WorkDir;
  journal: Journal;
  /** The first run, when resuming: its chunks' hashes and its task count. */
  recorded: RecordedRun | undefined;
  /** Called between streamed tasks, so that an abort stops a long stream. */
  throwIfAborted(): void;
  /** A chunk file is in place (written now, or by the first run). */
  onChunk(chunk: number, firstTask: number, count: number): void;
}

/** Writes the chunk files; resolves to how many chunks and tasks there were. */
export async function feedTasks(
  tasks: Iterable<unknown> | AsyncIterable<unknown>,
  plan: ChunkPlan,
  ctx: FeedContext,
): Promise<{ chunks: number; tasks: number }> {
  const { workDir, journal, recorded } = ctx;
  let chunk = 0;
  let firstTask = 0;
  /** Encodes (and so checks) the next chunk's tasks, and compares it with the first run's. */
  const prepare = (batch: unknown[]): PreparedChunk => {
    const bytes = encodeTasks({ version: CHUNK_FILE_VERSION, chunk, firstTask, tasks: batch });
    const hash = sha256(bytes);
    const earlier = recorded?.chunks.get(chunk);
    if (earlier && earlier.hash !== hash) {
      throw new ResumeMismatchError(
        `the work dir ${workDir.root} holds a run whose tasks differ from these: chunk ${chunk} ` +
          `(tasks ${firstTask}-${firstTask + batch.length - 1}) is not the same. Its results cannot be reused; use a new workDir.`,
      );
    }
    const prepared = { chunk, firstTask, count: batch.length, bytes, hash, recorded: earlier !== undefined };
    chunk += 1;
    firstTask += batch.length;
    return prepared;
  };
  /** Writes the chunks' files side by side, journals them in one append, then hands them on in order. */
  const land = async (chunks: PreparedChunk[]) => {
    await Promise.all(
      chunks.map(async (c) => {
        if (!c.recorded || !(await exists(workDir.chunkFile(c.chunk)))) await writeFileAtomic(workDir.chunkFile(c.chunk), c.bytes);
      }),
    );
    await journal.append(...chunks.filter((c) => !c.recorded).map((c): JournalRecord => ({ t: 'chunk', chunk: c.chunk, firstTask: c.firstTask, count: c.count, hash: c.hash })));
    for (const c of chunks) ctx.onChunk(c.chunk, c.firstTask, c.count);
  };
  if (Array.isArray(tasks)) {
    // Every task is known: up to WRITE_WINDOW chunk files at once (one at a time, a map of 200
    // units spent 0.1-1 s of a busy machine's file system before its first submit).
    let window: PreparedChunk[] = [];
    for (let i = 0; i < tasks.length; ) {
      const size = chunkSizeAt(plan, chunk);
      window.push(prepare(tasks.slice(i, i + size)));
      i += size;
      if (window.length === WRITE_WINDOW) {
        await land(window);
        window = [];
      }
    }
    await land(window);
  } else {
    // Streamed tasks: each chunk goes out as soon as it is full (the workers may be waiting for it).
    let batch: unknown[] = [];
    for await (const task of tasks as AsyncIterable<unknown>) {
      batch.push(task);
      if (batch.length === chunkSizeAt(plan, chunk)) {
        await land([prepare(batch)]);
        batch = [];
      }
      ctx.throwIfAborted();
    }
    if (batch.length > 0) await land([prepare(batch)]);
  }
  if (recorded?.input && recorded.input.tasks !== firstTask) {
    throw new ResumeMismatchError(`the work dir ${workDir.root} holds a run of ${recorded.input.tasks} tasks, this map gives ${firstTask}; use a new workDir.`);
  }
  if (!recorded?.input) await journal.append({ t: 'input-end', chunks: chunk, tasks: firstTask });
  return { chunks: chunk, tasks: firstTask };
}

/** Chunk files written at once when the tasks are an array. */
const WRITE_WINDOW = 16;

interface PreparedChunk {
  chunk: number;
  firstTask: number;
  count: number;
  bytes: string | Buffer;
  hash: string;
  /** The first run (being resumed) journalled this chunk already. */
  recorded: boolean;
}

function encodeTasks(file: ChunkTasksFile): string | Buffer {
  let whole: unknown;
  try {
    return encode(file);
  } catch (error) {
    whole = error;
  }
  // Find the task at fault, so that the message can name it.
  file.tasks.forEach((task, i) => {
    const failure = encodeFailureOf(task);
    if (!failure) return;
    const index = file.firstTask + i;
    const message = `task ${index} cannot be sent to a worker: ${describeEncodeFailure(failure, `tasks[${index}]`)} Nothing was submitted.`;
    throw new SerializationError(message, index, failure.kind === 'unencodable' ? failure.path : undefined);
  });
  const last = file.firstTask + file.tasks.length - 1;
  if (isTooLarge(whole)) {
    throw new SerializationError(
      `tasks ${file.firstTask}-${last} (chunk ${file.chunk}) are too large together for one chunk file: about ` +
        `${formatBytes(approximateSize(file.tasks))}. Use a smaller chunkSize (or more chunks). Nothing was submitted.`,
      file.firstTask,
    );
  }
  throw new SerializationError(`tasks ${file.firstTask}-${last} (chunk ${file.chunk}) cannot be sent to a worker: ${String(whole)}. Nothing was submitted.`, file.firstTask);
}
