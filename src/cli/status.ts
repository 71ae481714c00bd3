/**
 * `qmr status`: one line per run (counts by state, elapsed time, resubmissions), or with
 * --chunks one line per chunk. Jobs that may still be queued are looked up in their scheduler
 * with one status call per run, unless --no-queue.
 */
import { resolveOptions, type FlavorName, type PoolOptions } from '../options.js';
import { formatDuration } from '../progress/progress-line.js';
import type { JobStatus } from '../queues/queue.js';
import { openQueue } from '../queues/registry.js';
import { chunkSummaries, type ChunkSummary, type RunInfo } from './runs.js';
import { table } from './table.js';
import { describeWorkers, queuedWorkerJobs, summarizeWorkers, workerHeartbeats, type WorkersSummary } from './workers.js';

/**
 * A chunk's state as `qmr status` shows it: the journal's, with 'queued' made precise by the
 * scheduler's answer (running, pending, held). 'queued' stays when the scheduler was not asked
 * (local runs, --no-queue) or did not answer, or when the job has left the queue.
 */
export type ChunkState = 'done' | 'failed' | 'running' | 'pending' | 'held' | 'queued' | 'cancelled' | 'unsubmitted';

export const RUN_STATES = ['running', 'finished', 'failed', 'aborted', 'detached', 'interrupted'] as const;
export const CHUNK_STATES: readonly ChunkState[] = ['done', 'failed', 'running', 'pending', 'held', 'queued', 'cancelled', 'unsubmitted'];

export interface ChunkStatus extends Omit<ChunkSummary, 'state'> {
  state: ChunkState;
  /** The scheduler's own word for the job ('hqw', 'PENDING (JobHeldUser)'), when it was asked. */
  queueState?: string;
}

export interface RunStatus {
  run: string;
  dir: string;
  state: string;
  flavor: string;
  tasks: number | null;
  failedTasks: number;
  chunks: number;
  done: number;
  running: number;
  pending: number;
  held: number;
  /** In the queue as far as the journal knows; the scheduler was not asked or did not say. */
  queued: number;
  failed: number;
  cancelled: number;
  unsubmitted: number;
  resubmissions: number;
  elapsedSeconds: number;
  submitter: string;
  /** How the run ended, in the submitting process's words (failed and aborted runs). */
  message?: string;
  /** Elastic runs: their worker jobs. */
  workers?: WorkersSummary;
  /** Elastic runs: how many workers the map keeps, and why (run.json's rule, then growth by measured work). */
  workerRule?: string;
  chunkList?: ChunkStatus[];
}

/** Asks each run's scheduler about its queued jobs (one call per run). Failures leave states unknown. */
export async function queueStates(runs: RunInfo[]): Promise<Map<RunInfo, Map<string, JobStatus> | undefined>> {
  const out = new Map<RunInfo, Map<string, JobStatus> | undefined>();
  for (const run of runs) {
    const chunkJobs = chunkSummaries(run).filter((c) => c.state === 'queued' && c.job).map((c) => c.job!);
    const ids = [...new Set([...chunkJobs, ...queuedWorkerJobs(run.recorded)])];
    if (ids.length === 0) {
      out.set(run, undefined);
      continue;
    }
    if (run.record.flavor === 'local') {
      // No scheduler to ask: an elastic run's workers tell by their heartbeats.
      out.set(run, run.recorded.workers.size > 0 ? await workerHeartbeats(run) : undefined);
      continue;
    }
    try {
      const saved = (run.record.options ?? {}) as PoolOptions;
      const options = resolveOptions({ commands: saved.commands ?? {}, commandTimeout: 30_000 });
      out.set(run, await openQueue(options, run.record.flavor as FlavorName).status(ids));
    } catch {
      out.set(run, undefined);
    }
  }
  return out;
}

function liveChunk(c: ChunkSummary, statuses: Map<string, JobStatus> | undefined): ChunkStatus {
  if (c.state !== 'queued') return { ...c, state: c.state };
  const s = c.job ? statuses?.get(c.job) : undefined;
  if (!statuses) return { ...c, state: 'queued' };
  if (!s) return { ...c, state: 'queued', queueState: 'not in the queue' };
  const state: ChunkState =
    s.state === 'running' || s.state === 'suspended' ? 'running'
    : s.state === 'held' || s.state === 'error' || s.state === 'stalled' ? 'held'
    : s.state === 'pending' ? 'pending'
    : 'queued'; // finished in the scheduler, result not seen yet
  return { ...c, state, queueState: s.reason ? `${s.native}: ${s.reason}` : s.native };
}

/**
 * An elastic worker runs the units it claimed one after another: of those its job's state makes
 * running, only the first (earliest claim, lowest unit) runs; the rest wait their turn.
 */
function oneRunningUnitPerWorker(chunks: ChunkStatus[], claimedAt: (chunk: number) => number): void {
  const byWorker = new Map<string, ChunkStatus[]>();
  for (const c of chunks) if (c.state === 'running' && c.job) byWorker.set(c.job, [...(byWorker.get(c.job) ?? []), c]);
  for (const [job, units] of byWorker) {
    units.sort((a, b) => claimedAt(a.chunk) - claimedAt(b.chunk) || a.chunk - b.chunk);
    for (const waiting of units.slice(1)) {
      waiting.state = 'pending';
      delete waiting.queueState;
      waiting.lastReason = `claimed by worker job ${job}, waiting its turn`;
    }
  }
}

export function summarize(run: RunInfo, statuses: Map<string, JobStatus> | undefined, withChunks: boolean): RunStatus {
  const chunkList = chunkSummaries(run).map((c) => liveChunk(c, statuses));
  if (run.recorded.workers.size > 0) oneRunningUnitPerWorker(chunkList, (chunk) => run.recorded.chunks.get(chunk)?.attempts.at(-1)?.submittedAt ?? 0);
  const counts = { done: 0, running: 0, pending: 0, held: 0, queued: 0, failed: 0, cancelled: 0, unsubmitted: 0 };
  let failedTasks = 0;
  for (const c of chunkList) {
    counts[c.state] += 1;
    failedTasks += c.failedTasks;
  }
  const start = Date.parse(run.recorded.startedAt ?? run.record.createdAt);
  const end = run.recorded.ended ? Date.parse(run.recorded.ended.time) : Date.now();
  const message = run.recorded.ended?.message;
  return {
    run: run.record.runId,
    dir: run.dir,
    state: run.state,
    flavor: run.record.flavor,
    tasks: run.recorded.input?.tasks ?? run.record.tasks,
    failedTasks,
    chunks: run.recorded.input?.chunks ?? chunkList.length,
    ...counts,
    resubmissions: run.recorded.resubmissions,
    elapsedSeconds: Math.round((end - start) / 1000),
    submitter: `${run.submitterHost}:${run.submitterPid} (${run.submitter})`,
    ...(message ? { message } : {}),
    ...(run.recorded.workers.size > 0 ? { workers: summarizeWorkers(run.recorded, statuses) } : {}),
    ...(run.record.elastic ? { workerRule: workerRule(run) } : {}),
    ...(withChunks ? { chunkList } : {}),
  };
}

/** The plan's rule in words, and the last growth the measured work called for. */
function workerRule(run: RunInfo): string {
  const growth = run.recorded.workerGrowth;
  return growth ? `${run.record.chunking}; then ${growth}` : run.record.chunking;
}

/**
 * --state: a run state keeps matching runs; a chunk state keeps matching chunks (and lists
 * chunks even without --chunks, since that is what was asked for) and the runs that have any.
 * 'failed' and 'running' are both: they mean runs, unless --chunks is given.
 */
export function stateFilter(state: string | undefined, chunks: boolean): { runState?: string; chunkState?: string } {
  if (state === undefined) return {};
  const isRunState = (RUN_STATES as readonly string[]).includes(state);
  const isChunkState = (CHUNK_STATES as readonly string[]).includes(state);
  return isRunState && !(chunks && isChunkState) ? { runState: state } : { chunkState: state };
}

export function keepChunks(statuses: RunStatus[], chunkState: string): RunStatus[] {
  return statuses
    .map((s) => ({ ...s, chunkList: (s.chunkList ?? []).filter((c) => c.state === chunkState) }))
    .filter((s) => s.chunkList.length > 0);
}

/** What `qmr status` looked through, so that an empty answer can say which filter left nothing. */
export interface StatusSelection {
  /** Runs found under the folders, before any filter. */
  found: number;
  /** --run TEXT, and how many runs it kept. */
  run?: { text: string; kept: number };
  runState?: string;
  chunkState?: string;
}

/**
 * The line for an empty answer. Only with no run at all is the advice about where runs live
 * useful; when a filter left nothing it names the filter and how many runs it looked at.
 */
export function noStatusLine(selection: StatusSelection): string {
  const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
  if (selection.found === 0) return 'no runs found (runs live in ./.qmr unless a workDir was given; name run folders as arguments)';
  const { run } = selection;
  if (run && run.kept === 0) return `no run's id or folder contains '${run.text}' (of ${runs(selection.found)})`;
  const looked = run ? `${runs(run.kept)} matching '${run.text}', of ${runs(selection.found)}` : runs(selection.found);
  if (selection.chunkState) return `no chunks in state ${selection.chunkState} (in ${looked})`;
  if (selection.runState) return `no runs in state ${selection.runState} (of ${looked})`;
  return `no runs found (of ${looked})`; // not reached: without a filter every run found is shown
}

/** `selection` words the line shown when `statuses` is empty. */
export function renderStatus(statuses: RunStatus[], withChunks: boolean, selection: StatusSelection): string {
  if (statuses.length === 0) return `${noStatusLine(selection)}\n`;
  const lines = [
    table(
      ['RUN', 'STATE', 'FLAVOR', 'TASKS', 'CHUNKS', 'DONE', 'RUNNING', 'PENDING', 'HELD', 'FAILED', 'CANCELLED', 'RESUB', 'ELAPSED'],
      statuses.map((s) => [
        s.run,
        s.state,
        s.flavor,
        `${s.tasks ?? '?'}${s.failedTasks > 0 ? ` (${s.failedTasks} failed)` : ''}`,
        String(s.chunks),
        String(s.done),
        String(s.running),
        String(s.pending + s.queued + s.unsubmitted),
        String(s.held),
        String(s.failed),
        String(s.cancelled),
        String(s.resubmissions),
        formatDuration(s.elapsedSeconds * 1000),
      ]),
    ),
  ];
  // Elastic runs: a line about their workers (chunks are the units they claim).
  for (const s of statuses) {
    if (withChunks) break;
    if (s.workers) lines.push(`${s.run} ${describeWorkers(s.workers)}`);
    if (s.workerRule) lines.push(`${s.run} worker rule: ${s.workerRule}`);
  }
  if (withChunks) {
    for (const s of statuses) {
      lines.push('', `${s.run} (${s.dir}):`);
      if (s.workers) lines.push(`  ${describeWorkers(s.workers)}`);
      if (s.workerRule) lines.push(`  worker rule: ${s.workerRule}`);
      if (s.message && s.state !== 'finished') lines.push(`  ended: ${s.message.split('\n')[0]!.slice(0, 200)}`);
      lines.push(
        table(
          ['CHUNK', 'TASKS', 'STATE', 'JOB', 'ATTEMPTS', 'DETAIL'],
          (s.chunkList ?? []).map((c) => [
            String(c.chunk),
            `${c.firstTask}-${c.firstTask + c.tasks - 1}`,
            c.state,
            c.job ?? '-',
            String(c.attempts),
            // A local run has no scheduler: its states come from the workers' heartbeats.
            (c.queueState ? `${s.flavor === 'local' ? '' : 'scheduler says '}${c.queueState}` : (c.lastReason ?? '')).split('\n')[0]!.slice(0, 120),
          ]),
        ),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
