/**
 * `qmr status`: one line per run (counts by state, elapsed time, resubmissions), or with
 * --chunks one line per chunk. Jobs that may still be queued are looked up in their scheduler
 * with one status call per flavor, unless --no-queue.
 */
import { resolveOptions, type FlavorName, type PoolOptions } from '../options.js';
import { formatDuration } from '../progress-line.js';
import type { JobStatus } from '../queues/queue.js';
import { openQueue } from '../queues/registry.js';
import { chunkSummaries, type ChunkSummary, type RunInfo } from './runs.js';
import { table } from './table.js';

export interface RunStatus {
  run: string;
  dir: string;
  state: string;
  flavor: string;
  tasks: number | null;
  chunks: number;
  done: number;
  running: number;
  pending: number;
  held: number;
  failed: number;
  unsubmitted: number;
  resubmissions: number;
  elapsedSeconds: number;
  submitter: string;
  chunkList?: Array<ChunkSummary & { queueState?: string }>;
}

/** Asks each run's scheduler about its queued jobs (one call per run). Failures leave states unknown. */
export async function queueStates(runs: RunInfo[]): Promise<Map<RunInfo, Map<string, JobStatus> | undefined>> {
  const out = new Map<RunInfo, Map<string, JobStatus> | undefined>();
  for (const run of runs) {
    const ids = chunkSummaries(run).filter((c) => c.state === 'queued' && c.job).map((c) => c.job!);
    if (ids.length === 0 || run.record.flavor === 'local') {
      out.set(run, undefined);
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

export function summarize(run: RunInfo, statuses: Map<string, JobStatus> | undefined, withChunks: boolean): RunStatus {
  const chunks = chunkSummaries(run);
  const counts = { done: 0, running: 0, pending: 0, held: 0, failed: 0, unsubmitted: 0 };
  const chunkList: Array<ChunkSummary & { queueState?: string }> = [];
  for (const c of chunks) {
    let queueState: string | undefined;
    if (c.state === 'done') counts.done += 1;
    else if (c.state === 'failed') counts.failed += 1;
    else if (c.state === 'unsubmitted') counts.unsubmitted += 1;
    else {
      const s = c.job ? statuses?.get(c.job) : undefined;
      queueState = s ? s.native : statuses ? 'gone from the queue' : undefined;
      if (s?.state === 'running' || s?.state === 'suspended') counts.running += 1;
      else if (s?.state === 'held' || s?.state === 'error' || s?.state === 'stalled') counts.held += 1;
      else counts.pending += 1;
    }
    if (withChunks) chunkList.push(queueState ? { ...c, queueState } : c);
  }
  const start = Date.parse(run.recorded.startedAt ?? run.record.createdAt);
  const end = run.recorded.ended ? Date.parse(run.recorded.ended.time) : Date.now();
  return {
    run: run.record.runId,
    dir: run.dir,
    state: run.state,
    flavor: run.record.flavor,
    tasks: run.recorded.input?.tasks ?? run.record.tasks,
    chunks: run.recorded.input?.chunks ?? chunks.length,
    ...counts,
    resubmissions: run.recorded.resubmissions,
    elapsedSeconds: Math.round((end - start) / 1000),
    submitter: `${run.submitterHost}:${run.submitterPid} (${run.submitter})`,
    ...(withChunks ? { chunkList } : {}),
  };
}

export function renderStatus(statuses: RunStatus[], withChunks: boolean): string {
  if (statuses.length === 0) return 'no runs found (runs live in ./.qmr unless a workDir was given; name run folders as arguments)\n';
  const lines = [
    table(
      ['RUN', 'STATE', 'FLAVOR', 'TASKS', 'CHUNKS', 'DONE', 'RUN', 'PEND', 'HELD', 'FAILED', 'RESUB', 'ELAPSED'],
      statuses.map((s) => [
        s.run, s.state, s.flavor, String(s.tasks ?? '?'), String(s.chunks), String(s.done), String(s.running),
        String(s.pending + s.unsubmitted), String(s.held), String(s.failed), String(s.resubmissions), formatDuration(s.elapsedSeconds * 1000),
      ]),
    ),
  ];
  if (withChunks) {
    for (const s of statuses) {
      lines.push('', `${s.run} (${s.dir}):`);
      lines.push(
        table(
          ['CHUNK', 'TASKS', 'STATE', 'JOB', 'ATTEMPTS', 'QUEUE SAYS / LAST REASON'],
          (s.chunkList ?? []).map((c) => [
            String(c.chunk), `${c.firstTask}-${c.firstTask + c.tasks - 1}`, c.state, c.job ?? '-', String(c.attempts),
            (c.queueState ?? c.lastReason ?? '').split('\n')[0]!.slice(0, 100),
          ]),
        ),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
