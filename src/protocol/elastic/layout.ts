/**
 * The files of an elastic map, next to the ones every map has (see work-dir-layout.ts):
 *
 *   <run>/elastic.json                   the plan workers read: units, workers, walltime (manifest.ts)
 *   <run>/worker.sh                      job.sh in claim mode: the script of every worker job
 *   <run>/claims/chunk-000007.claim/     unit 7 is claimed; owner.json inside says by whom
 *   <run>/claims/.pending-*              a worker's claim being prepared (renamed into place)
 *   <run>/workers/worker-000003.alive    worker ticket 3's heartbeat: its mtime is touched every few seconds
 *   <run>/workers/worker-000003.exit     written by worker 3 as it exits by itself (no work left, walltime)
 *   <run>/logs/worker-000003.out|err     worker 3's stdout and stderr
 *
 * A worker "ticket" is the number the pool gives each worker job it submits, never reused within
 * a run (a replacement gets a new one), so a ticket names one job attempt.
 */
import path from 'node:path';
import { chunkBaseName, WorkDirLayout } from '../work-dir-layout.js';

const TICKET_DIGITS = 6;

export function workerBaseName(ticket: number): string {
  return `worker-${String(ticket).padStart(TICKET_DIGITS, '0')}`;
}

/** `chunk-000007.claim` → 7; anything else (pending and released claims) → undefined. */
export function unitOfClaimName(name: string): number | undefined {
  const m = /^chunk-(\d+)\.claim$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * Not a subclass of WorkDirLayout: its log names take a worker ticket where WorkDirLayout's take
 * a chunk, and the two must not be confused. The folders both have come from WorkDirLayout.
 */
export class ElasticLayout {
  private readonly common: WorkDirLayout;
  constructor(readonly root: string) {
    this.common = new WorkDirLayout(root);
  }
  get manifest(): string {
    return path.join(this.root, 'elastic.json');
  }
  get workerScript(): string {
    return path.join(this.root, 'worker.sh');
  }
  get claimsDir(): string {
    return path.join(this.root, 'claims');
  }
  get workersDir(): string {
    return path.join(this.root, 'workers');
  }
  get logsDir(): string {
    return this.common.logsDir;
  }
  claimDir(unit: number): string {
    return path.join(this.claimsDir, `${chunkBaseName(unit)}.claim`);
  }
  claimOwnerFile(unit: number): string {
    return path.join(this.claimDir(unit), 'owner.json');
  }
  heartbeatFile(ticket: number): string {
    return path.join(this.workersDir, `${workerBaseName(ticket)}.alive`);
  }
  exitFile(ticket: number): string {
    return path.join(this.workersDir, `${workerBaseName(ticket)}.exit`);
  }
  stdoutLog(ticket: number): string {
    return path.join(this.logsDir, `${workerBaseName(ticket)}.out`);
  }
  stderrLog(ticket: number): string {
    return path.join(this.logsDir, `${workerBaseName(ticket)}.err`);
  }
}
