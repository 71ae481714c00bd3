/**
 * The run folder as the submitting process makes, opens and removes it: a fresh one with a run id
 * that never collides, or one the user named (empty, made 0700), its subfolders, the chunks whose
 * result is there, and its removal with the journal and run.json last. The paths inside it are
 * protocol/work-dir-layout.ts, which the worker shares.
 */
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { chunkOfFileName, WorkDirLayout } from '../protocol/work-dir-layout.js';

/** Whether the file (or folder) is there. */
export async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
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
