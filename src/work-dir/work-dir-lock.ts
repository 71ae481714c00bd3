/**
 * One map per work dir at a time. The submitting process (a map, or `qmr resume`) holds
 *
 *   <run>/lock/holder.json         { host, pid, processStart, pidNs, bootId, token, since, refreshedAt }
 *   <run>/lock/refresh-<token>     its mtime is the holder's last refresh
 *
 * for as long as it runs. The lock is taken with one rename of a folder prepared beside it
 * (`.lock-new-<token>/` → `lock`): renaming a folder onto a folder that is not empty fails, and
 * a rename is atomic on NFS as on a local disk, so of two processes exactly one gets it. Every
 * LOCK_REFRESH_MS (an unref'd timer) the holder sets the mtime of its own refresh file, so that
 * other hosts can tell a live holder from a dead one. holder.json is written once and never
 * again: a refresh that was in flight while the lock was taken over touches only the old
 * holder's file (gone with the old lock folder), never the new holder's record. Holders written
 * before refresh files existed rewrote holder.json's refreshedAt instead; readers take the later.
 *
 *  - on the same host and in the same pid namespace and boot, a holder is gone when its pid is
 *    dead (or reused: /proc start time differs);
 *  - otherwise (another host; or a container with its own pid namespace, Apptainer --pid or
 *    --containall, where the pid means another process here), when it has not refreshed for
 *    OTHER_HOST_GRACE_MS. That is well above NFS
 *    attribute caching (acregmax is 60 s by default) and many refreshes, so a slow or cached
 *    view does not pass for a dead holder; the hosts' clocks must agree to within a minute or so.
 *
 * A lock whose holder is gone is taken over: moved aside with a rename (only one taker can move
 * it), checked to be the one judged stale, removed; the caller journals the takeover. Releasing
 * renames the lock aside first too, so a release never removes another process's lock.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { QmrError } from '../errors.js';

export const LOCK_DIR_NAME = 'lock';
/** How often a live holder touches its refresh file. */
export const LOCK_REFRESH_MS = 30_000;
/** A holder on another host that has not refreshed for this long is taken to be gone. */
export const OTHER_HOST_GRACE_MS = 5 * 60_000;

export interface LockHolder {
  host: string;
  pid: number;
  /** The process's start time as /proc/PID/stat gives it (clock ticks since boot), on Linux: tells a reused pid. */
  processStart?: string;
  /** The holder's pid namespace (`pid:[4026531836]`, Linux): its pid means the same process only within it. */
  pidNs?: string;
  /** The kernel's boot id (Linux): a pid from before a reboot means nothing after it. */
  bootId?: string;
  /** Unique to one acquisition. */
  token: string;
  /** When the lock was taken (ISO). */
  since: string;
  /** The holder's last refresh (ISO, by its own clock): its refresh file's mtime, or holder.json's own field if later. */
  refreshedAt: string;
}

/** A lock that was taken over: its holder and why it was judged gone. */
export interface TakenOver {
  holder: LockHolder | undefined;
  why: string;
}

/** Another map (or `qmr resume`) holds the work dir. */
export class WorkDirBusyError extends QmrError {
  override name = 'WorkDirBusyError';
  constructor(
    readonly workDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      `workDir ${workDir} is in use by another map: ${describeHolder(holder)}. ` +
        'Two maps in one work dir would run its tasks twice and remove each other\'s results. ' +
        `Wait for it to end, stop it (\`qmr cancel ${workDir}\`), or use another workDir.`,
    );
  }
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'held, its holder not yet written';
  return `pid ${holder.pid} on ${holder.host}, since ${holder.since} (last refreshed ${holder.refreshedAt})`;
}

/** Tokens of the locks this process holds: a holder with our own pid is live only if listed here. */
const heldHere = new Set<string>();

export interface LockTiming {
  refreshMs?: number;
  graceMs?: number;
}

export class WorkDirLock {
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  private lost = false;

  private constructor(
    readonly root: string,
    private readonly holder: LockHolder,
    /** Set when this acquisition took over a lock whose holder was gone. */
    readonly tookOver: TakenOver | undefined,
    refreshMs: number,
  ) {
    heldHere.add(holder.token);
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  get dir(): string {
    return path.join(this.root, LOCK_DIR_NAME);
  }

  /** Takes the work dir's lock, or throws WorkDirBusyError naming the live holder. */
  static async acquire(root: string, timing: LockTiming = {}): Promise<WorkDirLock> {
    const graceMs = timing.graceMs ?? OTHER_HOST_GRACE_MS;
    const lockDir = path.join(root, LOCK_DIR_NAME);
    const token = `${process.pid}-${randomBytes(6).toString('hex')}`;
    const now = new Date().toISOString();
    const mine: LockHolder = { host: hostname(), pid: process.pid, ...processStartField(process.pid), ...PROCESS_VIEW, token, since: now, refreshedAt: now };
    let tookOver: TakenOver | undefined;
    const fresh = path.join(root, `.lock-new-${token}`);
    await makeFreshFolder(root, fresh);
    try {
      await writeFile(path.join(fresh, refreshFileName(token)), '', { mode: 0o600 });
      await writeFile(path.join(fresh, 'holder.json'), `${JSON.stringify(mine)}\n`, { mode: 0o600 });
      // A few rounds: each either takes the lock, refuses, or removes one stale lock.
      for (let round = 0; round < 5; round++) {
        try {
          await rename(fresh, lockDir);
          return new WorkDirLock(root, mine, tookOver, timing.refreshMs ?? LOCK_REFRESH_MS);
        } catch (error) {
          if (!isTaken(error)) throw error;
        }
        const holder = await readHolder(lockDir);
        // NFS may answer a retransmitted rename that did succeed with an error: the lock is ours.
        if (holder?.token === token) return new WorkDirLock(root, mine, tookOver, timing.refreshMs ?? LOCK_REFRESH_MS);
        const gone = await whyGone(holder, lockDir, graceMs);
        if (gone === undefined) throw new WorkDirBusyError(root, holder);
        if (await removeIfStill(lockDir, holder, path.join(root, `.lock-stale-${token}`))) tookOver = { holder, why: gone };
      }
      throw new WorkDirBusyError(root, await readHolder(lockDir));
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }

  /** Sets the refresh file's mtime to now, if the lock is still this process's. */
  async refresh(): Promise<void> {
    if (this.released) return;
    const current = await readHolder(this.dir);
    if (current?.token !== this.holder.token) {
      // Taken over as stale (this process was silent past the grace, or its host's clock is
      // off): leave the new holder alone, and say so once, since two maps now share the dir.
      if (!this.lost) {
        this.lost = true;
        process.emitWarning(`lost the lock of workDir ${this.root} to ${describeHolder(current)}; another map may now run in it`, { code: 'QMR_WORK_DIR_LOCK_LOST' });
      }
      return;
    }
    // Only our own file: should the lock change hands after the check above, this touches the
    // old lock folder's file (or fails, the folder gone), never the new holder's.
    const now = new Date();
    await utimes(path.join(this.dir, refreshFileName(this.holder.token)), now, now).catch(() => undefined);
  }

  /** Stops refreshing and removes the lock, if it is still ours (the work dir may be gone already). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    heldHere.delete(this.holder.token);
    await removeIfStill(this.dir, this.holder, path.join(this.root, `.lock-released-${this.holder.token}`)).catch(() => undefined);
  }
}

/** The holder a lock folder names (refreshedAt its latest refresh), or undefined while it is being written or moved. */
export async function readHolder(lockDir: string): Promise<LockHolder | undefined> {
  let parsed: LockHolder;
  try {
    parsed = JSON.parse(await readFile(path.join(lockDir, 'holder.json'), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
  if (typeof parsed.token !== 'string' || typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
  // A token is a file name here: one that is not ours in form names no refresh file.
  if (!/^[\w-]+$/.test(parsed.token)) return parsed;
  const touched = await stat(path.join(lockDir, refreshFileName(parsed.token))).then((s) => s.mtimeMs, () => undefined);
  const written = Date.parse(parsed.refreshedAt);
  if (touched !== undefined && (Number.isNaN(written) || touched > written)) return { ...parsed, refreshedAt: new Date(touched).toISOString() };
  return parsed;
}

function refreshFileName(token: string): string {
  return `refresh-${token}`;
}

/**
 * Creates the folder the lock is prepared in. The work dir itself may have just been removed by
 * the map that used it before (it removes the emptied folder after releasing its lock): then it
 * is made again, as claiming a work dir that does not exist makes it.
 */
async function makeFreshFolder(root: string, fresh: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(fresh, { mode: 0o700 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
    }
    await mkdir(root, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

/** Why the holder is gone, or undefined when it may still be alive. */
export async function whyGone(holder: LockHolder | undefined, lockDir: string, graceMs: number, now = Date.now()): Promise<string | undefined> {
  if (!holder) {
    // A lock folder without a readable holder: one being moved, or left torn. Judge by its age.
    const changed = await stat(lockDir).then((s) => s.mtimeMs, () => undefined);
    if (changed === undefined) return 'it was gone';
    return now - changed > graceMs ? `it named no holder and was last changed ${minutes(now - changed)} ago` : undefined;
  }
  if (holder.host === hostname() && sameProcessView(holder)) {
    if (holder.pid === process.pid) return heldHere.has(holder.token) ? undefined : `its process ${holder.pid} on ${holder.host} is gone (this process reuses its pid)`;
    if (!processAlive(holder.pid)) return `its process ${holder.pid} on ${holder.host} is gone`;
    const started = processStartField(holder.pid).processStart;
    if (holder.processStart !== undefined && started !== undefined && started !== holder.processStart) {
      return `its process ${holder.pid} on ${holder.host} is gone (the pid now belongs to another process)`;
    }
    return undefined;
  }
  const refreshed = Date.parse(holder.refreshedAt);
  const silent = now - (Number.isNaN(refreshed) ? 0 : refreshed);
  const where = holder.host === hostname() ? `${holder.host} in another pid namespace or boot` : holder.host;
  return silent > graceMs ? `its holder on ${where} (pid ${holder.pid}) has not refreshed it for ${minutes(silent)} (grace ${minutes(graceMs)})` : undefined;
}

/**
 * Moves the lock folder aside and removes it, if it still names `expected` (by token). A lock
 * that changed hands meanwhile is put back. True when the expected lock was removed.
 */
async function removeIfStill(lockDir: string, expected: LockHolder | undefined, aside: string): Promise<boolean> {
  try {
    await rename(lockDir, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = await readHolder(aside);
  if (moved?.token !== expected?.token) {
    await rename(aside, lockDir).catch(() => undefined); // someone else's lock: give it back
    return false;
  }
  await rm(aside, { recursive: true, force: true });
  return true;
}

/** This process's pid namespace and boot (Linux); what a holder on this host must share for its pid to mean anything here. */
const PROCESS_VIEW: { pidNs?: string; bootId?: string } = {
  ...optional('pidNs', () => readlinkSync('/proc/self/ns/pid')),
  ...optional('bootId', () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()),
};

function optional<K extends string>(key: K, read: () => string): { [k in K]?: string } {
  try {
    const value = read();
    return value ? ({ [key]: value } as { [k in K]?: string }) : {};
  } catch {
    return {};
  }
}

/**
 * Whether a holder's pid can be judged here: it records the same pid namespace and boot as
 * ours. Holders written before these fields existed record neither and are judged by pid as
 * before; a holder that records them, where either differs from ours (or one side lacks it),
 * is not: pid 1 in a container is not our pid 1.
 */
function sameProcessView(holder: LockHolder): boolean {
  if (holder.pidNs === undefined && holder.bootId === undefined) return true;
  return holder.pidNs === PROCESS_VIEW.pidNs && holder.bootId === PROCESS_VIEW.bootId;
}

function isTaken(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EISDIR';
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
  // A killed submitter whose parent has not reaped it yet is a zombie: kill(0) still answers,
  // but it will never refresh or release its lock.
  return processState(pid) !== 'Z';
}

/**
 * The fields of /proc/PID/stat after "(comm)" (Linux; comm may hold spaces and parentheses, so
 * split after its last ')'): [0] is the state (field 3), [19] the start time (field 22).
 * Undefined where /proc has no such process.
 */
function procStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The process's state letter (R, S, Z, ...); undefined elsewhere. */
function processState(pid: number): string | undefined {
  return procStat(pid)?.[0];
}

/** The process's start time; nothing elsewhere. */
function processStartField(pid: number): { processStart?: string } {
  const start = procStat(pid)?.[19];
  return start ? { processStart: start } : {};
}

function minutes(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
