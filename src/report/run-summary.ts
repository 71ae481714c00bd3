/**
 * The numbers at the top of a run's report, and the hints a user can act on, from its trace.
 * Pure: the clock comes in as `now` (a live run's wall time runs to now).
 */
import type { RunRecord } from '../resume/run-json.js';
import type { Resources } from '../options.js';
import { parseMemoryMegabytes, parseWalltimeSeconds } from '../options.js';
import type { RunTrace } from '../trace/read-trace.js';
import type { TraceRow } from '../trace/trace-rows.js';
import { humanDuration, humanKilobytes } from '../trace/trace-tsv.js';

export interface RunSummary {
  runId: string;
  flavor: string;
  state: string;
  tasks: number;
  failedTasks: number;
  /** Chunks; in an elastic map the units its workers claim. */
  chunks: number;
  /** Jobs submitted: one per chunk attempt, or in an elastic map its worker jobs. */
  jobs: number;
  /** Chunks run again after a failed attempt (elastic: units claimed again after their worker was lost). */
  resubmissions: number;
  /** An elastic map: worker jobs claim units by time, so chunk-size advice does not apply. */
  elastic: boolean;
  startedAt: number | undefined;
  wallMs: number | undefined;
  /** Run time of the jobs that wrote results, times the cores each asked for (1 when not given). */
  coreHours: number;
  /** CPU time the workers measured themselves. */
  cpuHours: number | undefined;
  /** Scheduler commands the pool ran, in all and by kind, from the journal's end record (absent for local runs, live runs and older journals). */
  schedulerCalls: number | undefined;
  schedulerCallsByKind: Record<string, number> | undefined;
  requestedMemoryMb: number | undefined;
  requestedWalltimeS: number | undefined;
  cpus: number;
}

export function summarizeRun(trace: RunTrace, now: number): RunSummary {
  const { records, rows, record } = trace;
  const resources = resourcesOf(record);
  const start = records.find((r) => r.t === 'start');
  const end = records.findLast((r) => r.t === 'end' || r.t === 'resume');
  const input = records.findLast((r) => r.t === 'input-end');
  const startedAt = start ? Date.parse(start.time) : undefined;
  const endedAt = end?.t === 'end' ? Date.parse(end.time) : now;
  const chunkTasks = new Map(rows.map((r) => [r.taskId, r.tasks]));
  const tasks = input?.t === 'input-end' ? input.tasks : [...chunkTasks.values()].reduce((a, b) => a + b, 0);
  const cpus = typeof resources.cpus === 'number' ? resources.cpus : 1;
  const ran = rows.filter((r) => r.realtime !== undefined);
  const measured = ran.filter((r) => r.cpuSeconds !== undefined);
  const calls = end?.t === 'end' ? callCounts(end.calls) : undefined;
  const elastic = start?.t === 'start' && start.fingerprint.elastic !== undefined;
  const workerJobs = records.reduce((n, r) => n + (r.t === 'workers' ? r.ids.length : 0), 0);
  return {
    runId: typeof record?.runId === 'string' ? record.runId : trace.dir,
    flavor: typeof record?.flavor === 'string' ? record.flavor : '?',
    state: runState(end?.t === 'end' ? end.outcome : undefined, failedTaskCount(rows)),
    tasks,
    failedTasks: failedTaskCount(rows),
    chunks: chunkTasks.size,
    jobs: elastic ? workerJobs : rows.length,
    elastic,
    resubmissions: resubmissionCount(rows),
    startedAt,
    wallMs: startedAt === undefined ? undefined : Math.max(0, endedAt - startedAt),
    coreHours: (ran.reduce((sum, r) => sum + r.realtime!, 0) * cpus) / 3_600_000,
    cpuHours: measured.length === 0 ? undefined : measured.reduce((sum, r) => sum + r.cpuSeconds!, 0) / 3600,
    schedulerCalls: calls ? Object.values(calls).reduce((a, b) => a + b, 0) : undefined,
    schedulerCallsByKind: calls,
    requestedMemoryMb: safely(() => (resources.memory === undefined ? undefined : parseMemoryMegabytes(resources.memory))),
    requestedWalltimeS: safely(() => (resources.walltime === undefined ? undefined : parseWalltimeSeconds(resources.walltime))),
    cpus,
  };
}

/** Attempts that followed a failed one: running a chunk again after its job was stopped (ABORTED) is no resubmission. */
function resubmissionCount(rows: readonly TraceRow[]): number {
  return rows.filter((r, i) => r.attempt > 1 && rows[i - 1]?.taskId === r.taskId && rows[i - 1]!.status !== 'ABORTED').length;
}

/**
 * The run's state in `qmr status`'s words: a journal written before the end record said so
 * records a map whose tasks threw as 'finished', though it failed.
 */
function runState(outcome: string | undefined, failedTasks: number): string {
  if (outcome === undefined) return 'running (or interrupted)';
  return outcome === 'finished' && failedTasks > 0 ? 'failed' : outcome;
}

/** The end record's counts, if they are counts (a journal is data from disk). */
function callCounts(value: unknown): Record<string, number> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entries = Object.entries(value).filter((e): e is [string, number] => Number.isInteger(e[1]) && e[1] >= 0);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** Tasks that threw, plus every task of a chunk that ended with no result at all. */
function failedTaskCount(rows: readonly TraceRow[]): number {
  let failed = 0;
  for (const chunk of new Set(rows.map((r) => r.taskId))) {
    const last = rows.filter((r) => r.taskId === chunk).at(-1)!;
    if (last.failedTasks !== undefined) failed += last.failedTasks;
    else if (last.status === 'FAILED') failed += last.tasks;
  }
  return failed;
}

/** What the run asked of each job; a run.json from an older release may lack its options. */
function resourcesOf(record: RunRecord | undefined): Resources {
  return record?.options?.resources ?? {};
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Below this a job's start-up and the scheduler's round trips are a large share of its time. */
const SHORT_JOB_MS = 60_000;

/** Advice, each line one thing to change; none when nothing stands out. */
export function hints(summary: RunSummary, rows: readonly TraceRow[], dir: string): string[] {
  const out: string[] = [];
  const ran = rows.filter((r) => r.realtime !== undefined);
  const peaks = ran.flatMap((r) => (r.peakRssKb === undefined ? [] : [r.peakRssKb]));
  const peakKb = peaks.length ? Math.max(...peaks) : undefined;
  if (summary.requestedMemoryMb !== undefined && peakKb !== undefined && peakKb < summary.requestedMemoryMb * 1024 * 0.5) {
    out.push(
      `asked ${humanKilobytes(summary.requestedMemoryMb * 1024)} of memory per job, peak was ${humanKilobytes(peakKb)}: ` +
        'a smaller resources.memory (with some headroom) lets jobs start sooner and wastes less of the cluster',
    );
  }
  // A limit the retry raised until the chunk finished needs no raising now: say what happened.
  const finished = new Set(rows.filter((r) => r.status === 'COMPLETED' || (r.status === 'FAILED' && r.failedTasks !== undefined)).map((r) => r.taskId));
  const count = (cause: string, fixed: boolean) => rows.filter((r) => r.cause === cause && r.failedTasks === undefined && finished.has(r.taskId) === fixed).length;
  for (const [cause, what, option] of [['out of memory', 'ran out of memory', 'memory'], ['time limit', 'hit their time limit', 'walltime']] as const) {
    const open = count(cause, false);
    const fixed = count(cause, true);
    if (open > 0) out.push(`${open} job(s) ${what} and their chunks have not finished: raise resources.${option}, or make chunks smaller`);
    if (fixed > 0) {
      out.push(`${fixed} job(s) ${what}; their chunks finished when resubmitted with more (retry): asking for that in resources.${option} from the start saves those attempts`);
    }
  }
  const longest = ran.length ? Math.max(...ran.map((r) => r.realtime!)) : undefined;
  if (summary.requestedWalltimeS !== undefined && longest !== undefined && longest < summary.requestedWalltimeS * 1000 * 0.1) {
    out.push(`asked ${humanDuration(summary.requestedWalltimeS * 1000)} of run time per job, the longest ran ${humanDuration(longest)}: a shorter resources.walltime often starts sooner (backfill)`);
  }
  // Per-job overhead is a static map's: each chunk is a job. An elastic map's workers claim
  // units for as long as there is work, so a short unit costs no queueing or start-up.
  const medianRun = median(ran.map((r) => r.realtime!));
  if (!summary.elastic && medianRun !== undefined && medianRun < SHORT_JOB_MS && summary.chunks > 1) {
    out.push(`median job ran ${humanDuration(medianRun)}: larger chunks (chunkSize) would cut the per-job overhead of queueing and start-up`);
  }
  const medianWait = median(ran.flatMap((r) => (r.queueWait === undefined ? [] : [r.queueWait])));
  if (!summary.elastic && medianWait !== undefined && medianRun !== undefined && medianWait > 10 * medianRun && medianWait > 10_000) {
    out.push(`jobs waited ${humanDuration(medianWait)} in the queue (median) to run ${humanDuration(medianRun)}: fewer, larger jobs would wait less in all`);
  }
  const threw = rows.filter((r) => (r.failedTasks ?? 0) > 0);
  if (threw.length > 0) {
    out.push(`${summary.failedTasks} task(s) failed; see the errors with: ${threw.slice(0, 3).map((r) => `qmr inspect ${dir} ${r.taskId}`).join(', ')}${threw.length > 3 ? ', ...' : ''}`);
  }
  if (summary.resubmissions > 0) {
    out.push(
      summary.elastic
        ? `${summary.resubmissions} unit(s) ran again after their worker was lost: the causes are in the trace (qmr trace ${dir})`
        : `${summary.resubmissions} job(s) were resubmissions: their causes are in the trace (qmr trace ${dir})`,
    );
  }
  return out;
}
