/**
 * A cross-process lock on the state file: a directory created with mkdir, which is atomic on
 * every local file system, holding an `owner` file with the holder's pid. No dependency and no
 * native code, so it works wherever node runs.
 *
 * A lock is stale when its holder process is gone (a command killed mid-transaction) or it is
 * older than STALE_MS (pid reused). Holders keep it for milliseconds: nothing sleeps under it.
 * See staleToken for why a dead owner alone is not enough.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isProcessAlive } from './processes.js';

const STALE_MS = 30_000;
const GIVE_UP_MS = 60_000;
/** Holders keep the lock for milliseconds; one whose owner died is left this long before breaking. */
const DEAD_OWNER_GRACE_MS = 1_000;

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

/**
 * The token of the lock at lockDir if that lock is stale, else undefined. Care is needed because
 * locks change hands in milliseconds: the owner we read may have released the lock and exited
 * (so looks dead) while a new holder took a fresh lock under the same name. So a dead owner's
 * lock counts as stale only once it has stood for DEAD_OWNER_GRACE_MS and still carries the token
 * we judged.
 */
async function staleToken(lockDir: string): Promise<string | undefined> {
  const ageMs = async () => Date.now() - (await stat(lockDir)).mtimeMs;
  try {
    const owner = await readOwner(lockDir);
    if (!owner) {
      // No owner file yet: the holder is between mkdir and rename; give it time, a lot of it.
      return (await ageMs()) > STALE_MS ? 'no-owner' : undefined;
    }
    if (isProcessAlive(owner.pid) && (await ageMs()) <= STALE_MS) return undefined;
    if ((await ageMs()) < DEAD_OWNER_GRACE_MS) return undefined;
    return (await readOwner(lockDir))?.token === owner.token ? owner.token : undefined;
  } catch {
    return undefined; // gone already: just retry mkdir
  }
}

/**
 * Moves a stale lock aside (rename is atomic, so only one breaker wins) and deletes it. If what
 * we moved is not the lock we judged (another breaker beat us and a new holder came in between),
 * it goes back to its holder.
 */
async function breakLock(lockDir: string, judgedToken: string): Promise<void> {
  const aside = `${lockDir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockDir, aside);
  } catch {
    return;
  }
  const owner = await readOwner(aside);
  if (owner && owner.token !== judgedToken) {
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
    const stale = await staleToken(lockDir);
    if (stale !== undefined) {
      await breakLock(lockDir, stale);
      continue;
    }
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`dummy-queue: could not lock ${lockDir} within ${GIVE_UP_MS / 1000} s`);
    // Short random waits: many parallel commands (20 qsubs) spread out instead of colliding in step.
    await sleep(2 + Math.random() * Math.min(20, 2 + attempt));
  }
}
