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
 * The folder is 0700. Every file is written under a temporary name and renamed into place, so a
 * reader never sees half a file, even on a shared file system.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rename, rm, writeFile, chmod, unlink } from 'node:fs/promises';
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

/** Whether the file (or folder) is there. */
export async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
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

/**
 * A run id that sorts by time and never collides: two maps started in the same millisecond, in
 * one process or two, differ in the random part, and the folder is created exclusively anyway.
 */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15); // 20261122-073930
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

export class WorkDir extends WorkDirLayout {
  constructor(
    root: string,
    readonly runId: string,
  ) {
    super(root);
  }

  /** A fresh run folder: `exact` when the user named one, else a new one under `parent`. */
  static async create(options: { exact?: string | undefined; parent: string; ignore?: readonly string[] }): Promise<WorkDir> {
    if (options.exact !== undefined) {
      const root = options.exact;
      await mkdir(root, { recursive: true, mode: 0o700 });
      // `ignore`: what this map itself put there first (its lock), and other maps' lock attempts.
      const existing = (await readdir(root)).filter((name) => !options.ignore?.includes(name) && !name.startsWith('.lock-'));
      if (existing.length > 0) {
        throw new Error(
          `workDir ${root} is not empty (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''}). ` +
            'Give a new or empty folder, or leave workDir out to get a fresh one under ./.qmr.',
        );
      }
      await chmod(root, 0o700);
      const dir = new WorkDir(root, path.basename(root));
      await dir.makeSubfolders();
      return dir;
    }
    await mkdir(options.parent, { recursive: true, mode: 0o700 });
    for (;;) {
      const runId = newRunId();
      const root = path.join(options.parent, runId);
      try {
        await mkdir(root, { mode: 0o700 }); // exclusive: fails if another map took the name
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      await chmod(root, 0o700); // mkdir's mode is filtered by the umask
      const dir = new WorkDir(root, runId);
      await dir.makeSubfolders();
      return dir;
    }
  }

  private async makeSubfolders(): Promise<void> {
    for (const folder of [this.chunksDir, this.resultsDir, this.logsDir, this.schedulerLogDir]) {
      await mkdir(folder, { recursive: true, mode: 0o700 });
    }
  }

  /** Chunks whose result file exists. One readdir: cheap enough to run between status polls. */
  async finishedChunks(): Promise<Set<number>> {
    const done = new Set<number>();
    for (const name of await readdir(this.resultsDir)) {
      const chunk = chunkOfFileName(name, 'result');
      if (chunk !== undefined) done.add(chunk);
    }
    return done;
  }

  /**
   * Removes everything in the run folder but the names in `except`; the journal and run.json
   * last. A file something still writes into (a worker that wrote its exit file but has not
   * exited, a log held open on NFS that became `.nfsXXXX`, an epilog) makes a folder's removal
   * fail, and what is then left must still say what the run was and how it ended, so that
   * `qmr status` shows it and `qmr clean` can remove it later. Each removal is retried briefly;
   * the first that still fails is returned (journal and run.json kept), never thrown: the
   * caller decides how loudly to say so.
   */
  async remove(except: readonly string[] = []): Promise<NodeJS.ErrnoException | undefined> {
    const last = [path.basename(this.journal), path.basename(this.runRecord)];
    const names = (await readdir(this.root).catch(() => [])).filter((name) => !except.includes(name));
    let failure: NodeJS.ErrnoException | undefined;
    for (const name of names.filter((n) => !last.includes(n))) {
      await rm(path.join(this.root, name), REMOVE_RETRIES).catch((error: NodeJS.ErrnoException) => (failure ??= error));
    }
    for (const name of last.filter((n) => names.includes(n))) {
      if (failure) return failure;
      await rm(path.join(this.root, name), REMOVE_RETRIES).catch((error: NodeJS.ErrnoException) => (failure ??= error));
    }
    return failure;
  }
}

/** rm's own retries (ENOTEMPTY, EBUSY, EPERM...): a few seconds in all, for a late writer to stop. */
const REMOVE_RETRIES = { recursive: true, force: true, maxRetries: 5, retryDelay: 200 } as const;

/** Opens the folder of an earlier run (to resume it or to look at it). */
export async function openWorkDir(root: string): Promise<WorkDir> {
  const dir = new WorkDir(root, path.basename(root));
  for (const folder of [dir.chunksDir, dir.resultsDir, dir.logsDir, dir.schedulerLogDir]) {
    await mkdir(folder, { recursive: true, mode: 0o700 });
  }
  return dir;
}
