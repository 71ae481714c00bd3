/**
 * Whether a work dir may be believed. Resuming one runs its job.sh and worker.sh as the caller,
 * decodes its function.json, and returns its result files as the caller's results: a work dir
 * that another user owns, or that others can write, could hold any of these forged. So the work
 * dir and every file the pool will execute or believe must be owned by the caller and writable
 * by nobody else (no group or world write bit). The pool creates its own files with explicit
 * modes (0700 folders, 0600 files, 0700 scripts), so a umask of 002 does not trip this check.
 *
 * Only the submitting side checks: workers run as the same user, possibly on another host,
 * and read their own work dir as it is.
 */
import { readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { ElasticLayout } from '../protocol/elastic/layout.js';
import { QmrError } from '../errors.js';
import { keptLayout } from '../protocol/kept-result.js';
import { WorkDirLayout } from '../protocol/work-dir-layout.js';

/** A work dir (or a file in it) that the caller does not own or that others can write. */
export class UntrustedWorkDirError extends QmrError {
  override name = 'UntrustedWorkDirError';
  constructor(
    readonly workDir: string,
    /** The file or folder at fault. */
    readonly path: string,
    /** Its permission bits, e.g. 0o775. */
    readonly mode: number,
    readonly problem: string,
  ) {
    super(
      `workDir ${workDir} cannot be trusted: ${path} ${problem} (mode ${octal(mode)}). ` +
        'Another user could have written the scripts it would run or the results it would return. ' +
        "If the run is yours and no one else could have changed it, `chmod -R go-w` it; otherwise use a new workDir.",
    );
  }
}

/** Why a file is not to be trusted, or undefined. */
export function untrustedBecause(stats: Pick<Stats, 'uid' | 'mode'>, uid = process.getuid?.()): string | undefined {
  if (uid !== undefined && stats.uid !== uid) return `is owned by uid ${stats.uid}, not by you (uid ${uid})`;
  if (stats.mode & 0o002) return 'is writable by everyone';
  if (stats.mode & 0o020) return 'is writable by its group';
  return undefined;
}

/** The work dir folder itself: throws UntrustedWorkDirError unless it is the caller's and writable by nobody else. */
export async function checkWorkDirFolder(root: string): Promise<void> {
  await checkEntry(root, root);
}

/**
 * The work dir and what the pool would run or believe in it: job.sh, worker.sh, function.json,
 * run.json, the journal, elastic.json, and the chunk, result, kept result and claim folders with
 * their files.
 * Files that are not there are skipped (a run stopped early has fewer).
 */
export async function checkWorkDirTrusted(root: string): Promise<void> {
  const layout = new WorkDirLayout(root);
  const elastic = new ElasticLayout(root);
  await checkEntry(root, root);
  for (const file of [layout.jobScript, elastic.workerScript, layout.functionFile, layout.runRecord, layout.journal, elastic.manifest]) {
    await checkEntry(root, file);
  }
  for (const folder of [layout.chunksDir, layout.resultsDir, keptLayout(root).resultsDir, elastic.claimsDir]) {
    if (!(await checkEntry(root, folder))) continue;
    const names = await readdir(folder);
    // Many files on NFS: a few stats in flight at once, in order, so the first culprit is named.
    for (let i = 0; i < names.length; i += 32) {
      await Promise.all(names.slice(i, i + 32).map((name) => checkEntry(root, path.join(folder, name))));
    }
  }
}

/** Checks one path (following symlinks: a link to another user's file is that file); false when absent. */
async function checkEntry(root: string, file: string): Promise<boolean> {
  let stats: Stats;
  try {
    stats = await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const problem = untrustedBecause(stats);
  if (problem) throw new UntrustedWorkDirError(root, file, stats.mode & 0o7777, problem);
  return true;
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
