/**
 * Taking a named work dir that already exists, before anything in it is read: it must be the
 * caller's; one with contents (a run to resume) must be trustworthy throughout (work-dir-trust.ts);
 * and no other map may hold it (work-dir-lock.ts). An empty folder the user made for the run only
 * has to be theirs: it is made 0700 here, whatever mode it was made with.
 */
import { chmod, readdir, stat } from 'node:fs/promises';
import { WorkDirLock } from './work-dir-lock.js';
import { checkWorkDirFolder, checkWorkDirTrusted, untrustedBecause, UntrustedWorkDirError } from './work-dir-trust.js';

/** The lock of the existing work dir `root`, or undefined when there is no such folder yet. */
export async function claimExistingWorkDir(root: string): Promise<WorkDirLock | undefined> {
  const stats = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!stats) return undefined;
  const empty = (await readdir(root)).length === 0;
  if (empty) {
    const problem = untrustedBecause({ uid: stats.uid, mode: 0 });
    if (problem) throw new UntrustedWorkDirError(root, root, stats.mode & 0o7777, problem);
    await chmod(root, 0o700);
  } else {
    await checkWorkDirFolder(root);
  }
  const lock = await WorkDirLock.acquire(root);
  try {
    // Checked again under the lock: a live holder may have been writing until now.
    if (!empty) await checkWorkDirTrusted(root);
  } catch (error) {
    await lock.release();
    throw error;
  }
  return lock;
}
