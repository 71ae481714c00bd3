/**
 * Feeding tasks into chunk files: splits the tasks by the plan, checks that every task can make
 * the trip (naming the first that cannot), writes each chunk file atomically and journals it.
 * When resuming, each chunk is compared with the first run's (by the hash of its bytes) and not
 * written again; different tasks are refused. A function of its inputs: the caller learns of
 * each chunk through `onChunk`.
 */
import { CHUNK_FILE_VERSION, type ChunkTasksFile } from './chunk-files.js';
import { chunkSizeAt, type ChunkPlan } from './chunking.js';
import { encode } from './codec.js';
import { approximateSize, describeEncodeFailure, encodeFailureOf, formatBytes, isTooLarge } from './encode-failure.js';
import { ResumeMismatchError, SerializationError } from './errors.js';
import { sha256 } from './fingerprint.js';
import type { Journal } from './journal.js';
import type { RecordedRun } from './run-state.js';
import { exists, writeFileAtomic, type WorkDir } from './work-dir.js';

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
  const flush = async (batch: unknown[]) => {
    const bytes = encodeTasks({ version: CHUNK_FILE_VERSION, chunk, firstTask, tasks: batch });
    const hash = sha256(bytes);
    const earlier = recorded?.chunks.get(chunk);
    if (earlier && earlier.hash !== hash) {
      throw new ResumeMismatchError(
        `the work dir ${workDir.root} holds a run whose tasks differ from these: chunk ${chunk} ` +
          `(tasks ${firstTask}-${firstTask + batch.length - 1}) is not the same. Its results cannot be reused; use a new workDir.`,
      );
    }
    if (!earlier || !(await exists(workDir.chunkFile(chunk)))) await writeFileAtomic(workDir.chunkFile(chunk), bytes);
    if (!earlier) await journal.append({ t: 'chunk', chunk, firstTask, count: batch.length, hash });
    ctx.onChunk(chunk, firstTask, batch.length);
    chunk += 1;
    firstTask += batch.length;
  };
  if (Array.isArray(tasks)) {
    for (let i = 0; i < tasks.length; ) {
      const size = chunkSizeAt(plan, chunk);
      await flush(tasks.slice(i, i + size));
      i += size;
    }
  } else {
    let batch: unknown[] = [];
    for await (const task of tasks as AsyncIterable<unknown>) {
      batch.push(task);
      if (batch.length === chunkSizeAt(plan, chunk)) {
        await flush(batch);
        batch = [];
      }
      ctx.throwIfAborted();
    }
    if (batch.length > 0) await flush(batch);
  }
  if (recorded?.input && recorded.input.tasks !== firstTask) {
    throw new ResumeMismatchError(`the work dir ${workDir.root} holds a run of ${recorded.input.tasks} tasks, this map gives ${firstTask}; use a new workDir.`);
  }
  if (!recorded?.input) await journal.append({ t: 'input-end', chunks: chunk, tasks: firstTask });
  return { chunks: chunk, tasks: firstTask };
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
