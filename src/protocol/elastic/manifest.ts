/**
 * The two small files the pool and its workers tell each other through, besides claims and
 * results: elastic.json (pool → workers: what there is to claim) and worker-N.exit (worker →
 * pool: "I ended by myself, and why"). Both are written atomically and read with a shape check.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../work-dir-layout.js';
import type { ElasticLayout } from './layout.js';

export const ELASTIC_FILE_VERSION = 1;

export interface ElasticManifest {
  version: typeof ELASTIC_FILE_VERSION;
  unitSize: number;
  /** Leading bulk units (ElasticPlan.bulk): workers weigh claims by it (unit-weight.ts). */
  bulk?: { size: number; units: number };
  /** Set once every task is in a unit file; until then workers wait for more. */
  units: number | null;
  /** Worker jobs the pool keeps going (W), for the claim-size rule. */
  workers: number;
  /** resources.walltime in seconds, when given: workers stop claiming before it. */
  walltimeSeconds?: number;
  targetSeconds: number;
  /** How often workers touch their heartbeat file. */
  heartbeatMs: number;
}

export type WorkerExitReason = 'no-work' | 'walltime' | 'idle';

export interface WorkerExit {
  version: typeof ELASTIC_FILE_VERSION;
  ticket: number;
  job: string;
  reason: WorkerExitReason;
  /** Units this worker ran to a result. */
  units: number;
  at: string;
}

export async function writeManifest(layout: ElasticLayout, manifest: Omit<ElasticManifest, 'version'>): Promise<void> {
  await writeFileAtomic(layout.manifest, `${JSON.stringify({ version: ELASTIC_FILE_VERSION, ...manifest })}\n`);
}

export async function readManifest(layout: ElasticLayout): Promise<ElasticManifest> {
  const text = await readFile(layout.manifest, 'utf8');
  const m = JSON.parse(text) as Partial<ElasticManifest>;
  if (m.version !== ELASTIC_FILE_VERSION || typeof m.unitSize !== 'number' || typeof m.workers !== 'number' || typeof m.heartbeatMs !== 'number') {
    throw new Error(`${layout.manifest} is not an elastic.json of this version of queue-map-reduce (version ${String(m.version)})`);
  }
  return m as ElasticManifest;
}

export async function writeWorkerExit(layout: ElasticLayout, exit: Omit<WorkerExit, 'version' | 'at'>): Promise<void> {
  const record: WorkerExit = { version: ELASTIC_FILE_VERSION, ...exit, at: new Date().toISOString() };
  await writeFileAtomic(layout.exitFile(exit.ticket), `${JSON.stringify(record)}\n`);
}

/** The exit record of worker `ticket`, or undefined when it has not ended by itself. */
export async function readWorkerExit(layout: ElasticLayout, ticket: number): Promise<WorkerExit | undefined> {
  try {
    const exit = JSON.parse(await readFile(layout.exitFile(ticket), 'utf8')) as Partial<WorkerExit>;
    return exit.version === ELASTIC_FILE_VERSION && exit.ticket === ticket ? (exit as WorkerExit) : undefined;
  } catch {
    return undefined;
  }
}
