/**
 * The on-disk layout of one map, shared by the submitting process and the workers:
 *
 *   <run>/run.json                  run record (who, when, what; read by `qmr status`)
 *   <run>/function.json             how the worker finds fn
 *   <run>/job.sh                    the worker-node script (0700: it holds the caller's environment)
 *   <run>/chunks/chunk-000007.tasks  tasks of chunk 7
 *   <run>/results/chunk-000007.result   written by the worker that ran chunk 7
 *   <run>/kept/results/chunk-000007.result   its earlier result, while its failed tasks rerun (kept-result.ts)
 *   <run>/logs/chunk-000007.out|err  the chunk's stdout and stderr, appended per attempt
 *   <run>/logs/scheduler/           what the scheduler itself writes for each job
 *   <run>/journal.jsonl             what the submitting process did, for resume and `qmr status`
 *   <run>/cancel-requested          left by `qmr cancel` for a submitting process that is still alive
 *
 * The folder is 0700 (work-dir/work-dir.ts makes it). Every file is written under a temporary name
 * and renamed into place (writeFileAtomic), so a reader never sees half a file, even on a shared
 * file system.
 */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const CHUNK_DIGITS = 6;

export function chunkBaseName(chunk: number): string {
  return `chunk-${String(chunk).padStart(CHUNK_DIGITS, '0')}`;
}

/** Parses `chunk-000007.result` → 7. */
export function chunkOfFileName(name: string, extension: string): number | undefined {
  const m = /^chunk-(\d+)\.(\w+)$/.exec(name);
  return m && m[2] === extension ? Number(m[1]) : undefined;
}

export class WorkDirLayout {
  constructor(readonly root: string) {}
  get runRecord(): string {
    return path.join(this.root, 'run.json');
  }
  get functionFile(): string {
    return path.join(this.root, 'function.json');
  }
  get jobScript(): string {
    return path.join(this.root, 'job.sh');
  }
  get journal(): string {
    return path.join(this.root, 'journal.jsonl');
  }
  /** Created by `qmr cancel`: the submitting process, if alive, stops the map when it sees it. */
  get cancelRequest(): string {
    return path.join(this.root, 'cancel-requested');
  }
  get chunksDir(): string {
    return path.join(this.root, 'chunks');
  }
  get resultsDir(): string {
    return path.join(this.root, 'results');
  }
  get logsDir(): string {
    return path.join(this.root, 'logs');
  }
  get schedulerLogDir(): string {
    return path.join(this.root, 'logs', 'scheduler');
  }
  chunkFile(chunk: number): string {
    return path.join(this.chunksDir, `${chunkBaseName(chunk)}.tasks`);
  }
  resultFile(chunk: number): string {
    return path.join(this.resultsDir, `${chunkBaseName(chunk)}.result`);
  }
  stdoutLog(chunk: number): string {
    return path.join(this.logsDir, `${chunkBaseName(chunk)}.out`);
  }
  stderrLog(chunk: number): string {
    return path.join(this.logsDir, `${chunkBaseName(chunk)}.err`);
  }
}

/** Writes under a temporary name in the same folder, then renames: readers see all or nothing. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temporary, data, { mode });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
