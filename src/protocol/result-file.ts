/**
 * The one reader of result files: decodes (never evaluating code), and checks that the file is
 * a result file of this version, of the chunk asked for, with one value per task, before anyone
 * relies on its fields. The submitting side, `qmr inspect`, `qmr status` and the trace all read
 * through it, so a file from another version or a truncated one is told apart from a result.
 */
import { readFile } from 'node:fs/promises';
import { CHUNK_FILE_VERSION, type ChunkResultFile } from './chunk-files.js';
import { decode } from './codec.js';
import type { WorkDirLayout } from './work-dir-layout.js';

export class ResultFileError extends Error {
  override name = 'ResultFileError';
}

/**
 * Reads chunk `chunk`'s result file; `tasks`, when given, is how many values it must hold.
 * Throws ResultFileError (or the file system's error, e.g. ENOENT) with what is wrong.
 */
export async function readResultFile(layout: WorkDirLayout, chunk: number, tasks?: number): Promise<ChunkResultFile> {
  const file = layout.resultFile(chunk);
  const bytes = await readFile(file);
  const wrong = (what: string) => new ResultFileError(`${file} ${what}`);
  let value: Partial<ChunkResultFile> | null;
  try {
    value = decode(bytes) as Partial<ChunkResultFile> | null;
  } catch (error) {
    // Garbage, or a file cut short (a torn write, a shared file system showing part of it).
    throw wrong(`cannot be decoded (${bytes.length} bytes; truncated, or not a result file): ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object') throw wrong('is not a result file');
  if (value.version !== CHUNK_FILE_VERSION) {
    throw wrong(`has version ${String(value.version)}; this queue-map-reduce reads version ${CHUNK_FILE_VERSION} (written by another release?)`);
  }
  if (value.chunk !== chunk) throw wrong(`belongs to chunk ${String(value.chunk)}, not ${chunk}`);
  if (!Array.isArray(value.values) || !Array.isArray(value.failures) || typeof value.jobId !== 'string') throw wrong('lacks its values, failures or job id');
  if (tasks !== undefined && value.values.length !== tasks) throw wrong(`holds ${value.values.length} values for ${tasks} tasks`);
  return value as ChunkResultFile;
}
