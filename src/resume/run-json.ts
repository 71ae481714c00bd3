/**
 * run.json: who ran the map, when, where, on which flavor, how its tasks were chunked, and the
 * options `qmr resume` needs to talk to the queue as the first run did. One type, one writer
 * (the map, once, before anything is submitted) and one reader (`qmr`, resume, the trace).
 */
import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { CHUNK_FILE_VERSION } from '../protocol/chunk-files.js';
import type { ChunkPlan } from '../map/chunking.js';
import type { ElasticPlan } from '../elastic/plan.js';
import type { FunctionSpec } from '../protocol/function-file.js';
import type { FlavorName, PoolOptions, ResolvedOptions } from '../options.js';
import { writeFileAtomic, type WorkDirLayout } from '../protocol/work-dir-layout.js';

/** The options a resume takes over from the first run (the rest are the resuming caller's). */
export type RecordedOptions = Pick<
  PoolOptions,
  | 'commands' | 'resources' | 'submitArgs' | 'arrays' | 'elastic' | 'maxWorkers' | 'leaseTimeout' | 'maxRunning' | 'maxArraySize'
  | 'pbsDialect' | 'concurrency' | 'maxStatusFailures' | 'maxResubmissions' | 'pollInterval' | 'maxPollInterval'
  | 'missingGrace' | 'heldTimeout' | 'stalledTimeout' | 'commandTimeout' | 'workingDir' | 'fileTransfer'
> & { flavor: FlavorName };

export interface RunRecord {
  version: typeof CHUNK_FILE_VERSION;
  runId: string;
  createdAt: string;
  host: string;
  user: string;
  pid: number;
  flavor: string;
  cwd: string;
  workingDir: string;
  /** Tasks, when known as the map started (null for an iterable). */
  tasks: number | null;
  chunkSize: number;
  chunks: number | null;
  /** How the chunking was chosen, in words. */
  chunking: string;
  /**
   * Elastic maps: worker jobs started with, the most the measured work may grow them to (growth
   * itself is journaled: 'workers' records with `why`), and tasks per unit.
   */
  elastic?: { workers: number; ceiling: number; unitSize: number };
  node: string;
  /** fn in words: `module#export`, or the shipped function's name. */
  function: string;
  options: RecordedOptions;
}

export interface RunRecordInput {
  runId: string;
  startedAt: number;
  flavor: FlavorName;
  cwd: string;
  tasks: number | undefined;
  plan: ChunkPlan;
  elasticPlan: ElasticPlan | undefined;
  fn: FunctionSpec;
  options: ResolvedOptions;
}

export function runRecord(input: RunRecordInput): RunRecord {
  const { options: o, plan, elasticPlan, fn } = input;
  return {
    version: CHUNK_FILE_VERSION,
    runId: input.runId,
    createdAt: new Date(input.startedAt).toISOString(),
    host: hostname(),
    user: safeUser(),
    pid: process.pid,
    flavor: input.flavor,
    cwd: input.cwd,
    workingDir: o.workingDir,
    tasks: input.tasks ?? null,
    chunkSize: plan.chunkSize,
    chunks: plan.numChunks ?? null,
    chunking: plan.rule,
    ...(elasticPlan ? { elastic: { workers: elasticPlan.workers, ceiling: elasticPlan.ceiling, unitSize: elasticPlan.unitSize } } : {}),
    node: process.version,
    function: fn.kind === 'module' ? `${fn.module}#${fn.exportName}` : fn.name || '(anonymous)',
    options: {
      flavor: input.flavor,
      commands: o.commands,
      resources: o.resources,
      submitArgs: o.submitArgs,
      arrays: o.arrays,
      elastic: o.elastic,
      ...(o.maxWorkers !== undefined ? { maxWorkers: o.maxWorkers } : {}),
      leaseTimeout: o.leaseTimeout,
      ...(o.maxRunning !== undefined ? { maxRunning: o.maxRunning } : {}),
      ...(o.maxArraySize !== undefined ? { maxArraySize: o.maxArraySize } : {}),
      pbsDialect: o.pbsDialect,
      concurrency: o.concurrency,
      maxStatusFailures: o.maxStatusFailures,
      maxResubmissions: o.maxResubmissions,
      pollInterval: o.pollInterval,
      maxPollInterval: o.maxPollInterval,
      missingGrace: o.missingGrace,
      heldTimeout: o.heldTimeout,
      stalledTimeout: o.stalledTimeout,
      commandTimeout: o.commandTimeout,
      // Under file transfer the jobs run in their scratch folders: there is no workingDir to take over.
      ...(o.fileTransfer ? { fileTransfer: { inputFiles: [...o.fileTransfer.inputFiles] } } : { workingDir: o.workingDir }),
    },
  };
}

export async function writeRunRecord(layout: WorkDirLayout, record: RunRecord): Promise<void> {
  await writeFileAtomic(layout.runRecord, `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads run.json; throws with the folder named when it is missing or not a run record. */
export async function readRunRecord(layout: WorkDirLayout): Promise<RunRecord> {
  let record: Partial<RunRecord>;
  try {
    record = JSON.parse(await readFile(layout.runRecord, 'utf8')) as Partial<RunRecord>;
  } catch (error) {
    throw new Error(`${layout.root} is not a queue-map-reduce run folder (no readable run.json: ${(error as Error).message})`);
  }
  if (typeof record.runId !== 'string' || typeof record.flavor !== 'string') {
    throw new Error(`${layout.runRecord} is not a run record of queue-map-reduce (no runId or flavor)`);
  }
  return record as RunRecord;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
