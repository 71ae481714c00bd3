/**
 * An elastic worker: claims units from the work dir, runs them, and claims again until nothing is
 * left (see src/protocol/elastic/claims.ts for how a claim is made, src/protocol/elastic/claim-size.ts for how many
 * units each claim takes). It writes one result file per unit as the unit ends, so a worker that
 * dies mid-claim loses only the units it had not finished.
 *
 * It ends by itself, writing worker-N.exit with the reason, when
 *  - every unit is claimed or done and the input is complete ('no-work'),
 *  - its walltime would not fit another unit ('walltime'),
 *  - tasks still stream in but none came for IDLE_EXIT_MS ('idle');
 * the pool submits a fresh worker when work appears again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { claimSize, unitsThatFit } from '../src/protocol/elastic/claim-size.js';
import { claimedUnits, Claimer } from '../src/protocol/elastic/claims.js';
import { ElasticLayout } from '../src/protocol/elastic/layout.js';
import { unitsWeight, unitWeight } from '../src/protocol/elastic/unit-weight.js';
import { readManifest, writeWorkerExit, type ElasticManifest, type WorkerExitReason } from '../src/protocol/elastic/manifest.js';
import { chunkOfFileName, WorkDirLayout } from '../src/protocol/work-dir-layout.js';
import { startHeartbeat } from './heartbeat.js';
import { log, runChunk } from './run-chunk.js';

/** A worker with nothing to claim while tasks still stream in waits this long before it exits. */
export const IDLE_EXIT_MS = 60_000;
/** How often such a worker looks for new units. */
const IDLE_LOOK_MS = 500;

export interface ClaimLoopSummary {
  reason: WorkerExitReason;
  units: number;
  claims: number;
}

export async function runClaimLoop(runDir: string, ticket: number, jobId: string): Promise<ClaimLoopSummary> {
  const layout = new WorkDirLayout(runDir);
  const elastic = new ElasticLayout(runDir);
  const startedAt = Date.now();
  const host = hostname();
  const first = await readManifest(elastic);
  const heartbeat = startHeartbeat(elastic.heartbeatFile(ticket), { ticket, job: jobId, host, pid: process.pid, startedAt: new Date(startedAt).toISOString() }, first.heartbeatMs);
  const claimer = new Claimer(elastic, { ticket, job: jobId, host, pid: process.pid, token: randomBytes(8).toString('hex') });
  log(`worker ${ticket} started as job ${jobId} on ${host}, pid ${process.pid}, node ${process.version}`);
  let units = 0;
  let claims = 0;
  let busySeconds = 0;
  /** Units run, in fine units: a bulk unit counts for its weight (unit-weight.ts). */
  let weightRun = 0;
  let idleSince: number | undefined;
  const end = async (reason: WorkerExitReason): Promise<ClaimLoopSummary> => {
    // The exit file is the last thing this worker writes: once it is there the pool may end the
    // map and remove the work dir, so the prepared claim folder must be gone and the heartbeat still.
    await claimer.dispose();
    await heartbeat.stop();
    log(`worker ${ticket} exits (${reason}): ${units} units in ${claims} claims, ${busySeconds.toFixed(2)} s of work`);
    await writeWorkerExit(elastic, { ticket, job: jobId, reason, units });
    return { reason, units, claims };
  };
  try {
    for (;;) {
      const manifest = await readManifest(elastic);
      const open = await openUnits(layout, elastic, manifest);
      if (open.length === 0) {
        if (manifest.units !== null) return await end('no-work');
        idleSince ??= Date.now();
        if (Date.now() - idleSince >= IDLE_EXIT_MS) return await end('idle');
        await sleep(IDLE_LOOK_MS);
        continue;
      }
      idleSince = undefined;
      // Claims are sized in fine units: a bulk unit weighs what it holds.
      const weigh = (unit: number) => unitWeight(manifest, unit);
      const sizing = {
        openUnits: unitsWeight(manifest, open),
        workers: manifest.workers,
        secondsPerUnit: weightRun > 0 ? busySeconds / weightRun : undefined,
        targetSeconds: manifest.targetSeconds,
        secondsLeft: manifest.walltimeSeconds === undefined ? undefined : manifest.walltimeSeconds - (Date.now() - startedAt) / 1000,
        walltimeSeconds: manifest.walltimeSeconds,
      };
      const size = claimSize(sizing);
      // Under a walltime a bulk unit may not fit where a fine one does: it is left to a worker with time.
      const fitting = unitsThatFit(open, weigh, sizing);
      if (size === 0 || fitting.length === 0) return await end('walltime');
      claimer.report(weightRun, busySeconds);
      const unitsInSize = Math.max(1, Math.round(size / weigh(fitting[0]!)));
      const mine = await claimSome(claimer, spreadStart(fitting, ticket, manifest.workers, unitsInSize), size, weigh);
      if (mine.length === 0) continue; // others were quicker: look again
      claims += 1;
      log(`worker ${ticket} claimed ${mine.length} unit${mine.length === 1 ? '' : 's'}: ${mine.join(',')}`);
      for (const unit of mine) {
        // A unit put back because its worker looked dead, whose result then turned up after all.
        if (existsSync(layout.resultFile(unit))) continue;
        const summary = await runChunk(runDir, unit, jobId);
        busySeconds += summary.seconds;
        units += 1;
        weightRun += unitWeight(manifest, unit);
      }
    }
  } finally {
    await claimer.dispose().catch(() => undefined);
    await heartbeat.stop();
  }
}

/**
 * Units nobody has claimed, in unit order. Claims stay after their unit is done (only the pool
 * removes one, for a unit whose worker died), so the claims folder alone says what is taken: one
 * readdir per round, however many units are done.
 */
async function openUnits(layout: WorkDirLayout, elastic: ElasticLayout, manifest: ElasticManifest): Promise<number[]> {
  const [claimed, written] = await Promise.all([
    claimedUnits(elastic),
    manifest.units === null ? unitsWithFiles(layout.chunksDir, 'tasks') : undefined,
  ]);
  const all = written ? [...written].sort((a, b) => a - b) : Array.from({ length: manifest.units ?? 0 }, (_, k) => k);
  return all.filter((unit) => !claimed.has(unit));
}

async function unitsWithFiles(folder: string, extension: string): Promise<Set<number>> {
  const units = new Set<number>();
  for (const name of await readdir(folder)) {
    const unit = chunkOfFileName(name, extension);
    if (unit !== undefined) units.add(unit);
  }
  return units;
}

/**
 * The open units rotated so that worker k starts its claim k claim-sizes in: W workers starting at
 * once would otherwise all race for the same first units, and all but one would lose each race.
 */
export function spreadStart(open: readonly number[], ticket: number, workers: number, size: number): number[] {
  const window = Math.min(open.length, Math.max(1, workers) * size);
  const start = ((ticket % Math.max(1, workers)) * size) % Math.max(1, window);
  return [...open.slice(start), ...open.slice(0, start)];
}

/** Claims candidates in order until they weigh `size` fine units; always at least one unit. */
export async function claimSome(claimer: Claimer, candidates: readonly number[], size: number, weigh: (unit: number) => number): Promise<number[]> {
  const mine: number[] = [];
  let weight = 0;
  for (const unit of candidates) {
    if (mine.length > 0 && weight + weigh(unit) > size) break;
    if (await claimer.claim(unit)) {
      mine.push(unit);
      weight += weigh(unit);
    }
  }
  return mine.sort((a, b) => a - b);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
