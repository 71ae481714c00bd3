/**
 * A cross-process lock on the state file: a directory created with mkdir, which is atomic on
 * every local file system, holding an `owner` file with the holder's pid. No dependency and no
 * native code, so it works wherever node runs.
 *
 * A lock is stale when its holder process is gone (a command killed mid-transaction) or it is
 * older than STALE_MS (pid reused). Holders keep it for milliseconds: nothing sleeps under it.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isProcessAlive } from './processes.js';

const STALE_MS = 30_000;
const GIVE_UP_MS = 60_000;

export interface LockHandle {
  release(): Promise<void>;
  /** True while the lock directory still carries our token (someone may have judged it stale). */
  stillOurs(): Promise<boolean>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readOwner(lockDir: string): Promise<{ pid: number; token: string } | undefined> {
  try {
    const [pid, token] = (await readFile(`${lockDir}/owner`, 'utf8')).split(' ');
    return Number.isInteger(Number(pid)) && token ? { pid: Number(pid), token } : undefined;
  } catch {
    return undefined;
  }
}

async function isStale(lockDir: string): Promise<boolean> {
  let ageMs: number;
  try {
    ageMs = Date.now() - (await stat(lockDir)).mtimeMs;
  } catch {
    return false; // gone already: just retry mkdir
  }
  if (ageMs > STALE_MS) return true;
  const owner = await readOwner(lockDir);
  // No owner file yet: the holder is between mkdir and writeFile; give it time.
  if (!owner) return false;
  return !isProcessAlive(owner.pid);
}

/** Moves a stale lock aside (rename is atomic, so only one breaker wins) and deletes it. */
async function breakLock(lockDir: string): Promise<void> {
  const aside = `${lockDir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockDir, aside);
  } catch {
    return;
  }
  // Between our stale check and the rename another breaker may have taken a fresh lock, which we
  // just moved: give it back to its live holder.
  const owner = await readOwner(aside);
  if (owner && isProcessAlive(owner.pid)) {
    await rename(aside, lockDir).catch(() => undefined);
    return;
  }
  await rm(aside, { recursive: true, force: true });
}

export async function acquireLock(lockDir: string): Promise<LockHandle> {
  const token = randomBytes(8).toString('hex');
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(lockDir);
      // Written aside and renamed in, so nobody ever reads half an owner line (and takes a
      // truncated pid for a dead holder).
      const aside = join(dirname(lockDir), `.${process.pid}-${token}.owner`);
      await writeFile(aside, `${process.pid} ${token}`);
      try {
        await rename(aside, `${lockDir}/owner`);
      } catch (error) {
        await rm(aside, { force: true });
        throw error;
      }
      return {
        async release() {
          const owner = await readOwner(lockDir);
          if (owner?.token === token) await rm(lockDir, { recursive: true, force: true });
        },
        async stillOurs() {
          return (await readOwner(lockDir))?.token === token;
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockDir)) {
      await breakLock(lockDir);
      continue;
    }
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`dummy-queue: could not lock ${lockDir} within ${GIVE_UP_MS / 1000} s`);
    // Short random waits: many parallel commands (20 qsubs) spread out instead of colliding in step.
    await sleep(2 + Math.random() * Math.min(20, 2 + attempt));
  }
}
