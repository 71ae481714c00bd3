/**
 * Claims: how a worker takes units for itself with nothing but the shared file system.
 *
 * A worker prepares a private folder (claims/.pending-<ticket>-<random>) holding owner.json, and
 * renames it to claims/chunk-N.claim. rename(2) of a folder onto a name that already holds a
 * non-empty folder fails, and the server does it in one step, on NFS too: of many workers racing
 * for unit N exactly one wins, and the claim is never seen without its owner. No lock is held
 * across the network, and no claim can be half-written.
 *
 * NFS may answer a retransmitted rename with an error although the first try succeeded; so after
 * a failed rename the worker reads the owner there and counts the claim as its own if it carries
 * its token.
 *
 * Only the pool releases a claim (its worker died, or its lease expired): it renames the claim
 * away first (claims/.released-*), so no worker ever sees a claim folder being emptied, then
 * removes it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ElasticLayout, unitOfClaimName } from './layout.js';

export interface ClaimOwner {
  /** The worker's ticket (see layout.ts). */
  ticket: number;
  /** The job id as the worker sees it (QMR_JOB_ID), for messages. */
  job: string;
  host: string;
  pid: number;
  claimedAt: string;
  /** Random, per worker process: tells its own claim from another's after an NFS retry. */
  token: string;
  /**
   * What the worker measured before this claim: units run, in fine units (a bulk unit counts for
   * its weight, unit-weight.ts), and seconds busy (worker-target.ts).
   */
  measured?: { units: number; seconds: number };
}

/** A worker's claiming side: one prepared folder at a time. */
export class Claimer {
  private pending: string | undefined;
  private measured: ClaimOwner['measured'];

  constructor(
    private readonly layout: ElasticLayout,
    private readonly owner: Omit<ClaimOwner, 'claimedAt'>,
  ) {}

  /** What the next claims tell the pool this worker measured so far. */
  report(units: number, seconds: number): void {
    if (units > 0) this.measured = { units, seconds };
  }

  /** Takes unit N if nobody has; true when it is now this worker's. */
  async claim(unit: number): Promise<boolean> {
    const pending = await this.prepared();
    const target = this.layout.claimDir(unit);
    try {
      await rename(pending, target);
      this.pending = undefined;
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR' && code !== 'EPERM') throw error;
      if ((await readOwner(this.layout, unit))?.token === this.owner.token) {
        this.pending = undefined;
        return true;
      }
      return false;
    }
  }

  /** Removes the prepared folder (at exit). */
  async dispose(): Promise<void> {
    if (this.pending) await rm(this.pending, { recursive: true, force: true });
    this.pending = undefined;
  }

  private ownerJson(): string {
    const owner: ClaimOwner = { ...this.owner, claimedAt: new Date().toISOString(), ...(this.measured ? { measured: this.measured } : {}) };
    return `${JSON.stringify(owner)}\n`;
  }

  private async prepared(): Promise<string> {
    if (this.pending) {
      // Rewritten each time, so that claimedAt tells when the claim was really made.
      await writeFile(path.join(this.pending, 'owner.json'), this.ownerJson(), { mode: 0o600 });
      return this.pending;
    }
    const folder = path.join(this.layout.claimsDir, `.pending-${this.owner.ticket}-${randomBytes(4).toString('hex')}`);
    await mkdir(folder, { mode: 0o700 });
    await writeFile(path.join(folder, 'owner.json'), this.ownerJson(), { mode: 0o600 });
    this.pending = folder;
    return folder;
  }
}

/** The units that are claimed (names only: one readdir, cheap enough for every claim round). */
export async function claimedUnits(layout: ElasticLayout): Promise<Set<number>> {
  const units = new Set<number>();
  for (const name of await readdir(layout.claimsDir)) {
    const unit = unitOfClaimName(name);
    if (unit !== undefined) units.add(unit);
  }
  return units;
}

/** Who claimed unit N; undefined when the claim is gone or its owner cannot be read. */
export async function readOwner(layout: ElasticLayout, unit: number): Promise<ClaimOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(layout.claimOwnerFile(unit), 'utf8')) as Partial<ClaimOwner>;
    return typeof owner.ticket === 'number' && typeof owner.token === 'string' ? (owner as ClaimOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** Puts unit N back for any worker to claim (pool side). */
export async function releaseClaim(layout: ElasticLayout, unit: number): Promise<void> {
  const away = path.join(layout.claimsDir, `.released-${unit}-${randomBytes(4).toString('hex')}`);
  try {
    await rename(layout.claimDir(unit), away);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rm(away, { recursive: true, force: true });
}

export async function makeElasticFolders(layout: ElasticLayout): Promise<void> {
  for (const folder of [layout.claimsDir, layout.workersDir]) await mkdir(folder, { recursive: true, mode: 0o700 });
}
