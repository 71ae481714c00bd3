/**
 * The trace of a run: one row per job attempt of each chunk, built from the journal's records
 * (submit, retire, done, failed, cancel, end, with their times) and the result files (which job
 * ran the chunk, where, when, and what it used). Pure, so it works the same on a live run (rows
 * still SUBMITTED) and on one that is over. Field names follow Nextflow's trace file where one fits.
 */
import { shortFn, type JournalRecord } from '../resume/journal.js';
import { parseMemoryMegabytes, parseWalltimeSeconds, type Resources } from '../options.js';
import type { JobAccounting } from '../queues/queue.js';
import { failureCause, schedulerCause, type FailureCause } from './failure-cause.js';

/** What a result file says about the job that wrote it (see ChunkResultFile). */
export interface ResultSummary {
  jobId: string;
  host: string;
  startedAt: string;
  finishedAt: string;
  tasks: number;
  failedTasks: number;
  cpuSeconds?: number | undefined;
  peakRssKb?: number | undefined;
}

/** Nextflow's words: SUBMITTED (no result yet), COMPLETED, FAILED (the attempt, or tasks in it), ABORTED (cancelled as the run stopped). */
export type TraceStatus = 'SUBMITTED' | 'COMPLETED' | 'FAILED' | 'ABORTED';

export interface TraceRow {
  /** The chunk number (a chunk is the unit a job runs, as a task is in Nextflow). */
  taskId: number;
  /** 1 for the chunk's first job, 2 for its first resubmission, ... */
  attempt: number;
  nativeId: string;
  name: string;
  status: TraceStatus;
  /** 0 when the job wrote its result; the scheduler's exit status when the reason gives one. */
  exit: number | undefined;
  firstTask: number;
  /** The tasks the attempt ran: all the chunk's, or after a rerun (rerunFailed) only those that had failed. */
  tasks: number;
  failedTasks: number | undefined;
  /**
   * Which function version ran the attempt: the first 12 hex digits of fn's hash (as the journal
   * records it). A chunk's kept successes are those of the attempt that ran them, earlier.
   */
  fn: string | undefined;
  /** Epoch milliseconds. start is known only for the attempt that wrote the result file. */
  submit: number | undefined;
  start: number | undefined;
  complete: number | undefined;
  /** start − submit, in milliseconds. */
  queueWait: number | undefined;
  /** complete − submit (Nextflow's duration) and complete − start (its realtime), in milliseconds. */
  duration: number | undefined;
  realtime: number | undefined;
  hostname: string | undefined;
  cpuSeconds: number | undefined;
  /** CPU time over run time, as a percentage: 100 is one core kept busy. */
  cpuPercent: number | undefined;
  peakRssKb: number | undefined;
  /**
   * What the attempt asked for (Nextflow's memory and time): the map's resources, or the request
   * a retry raised after a memory or time limit. Megabytes and seconds.
   */
  memoryMb: number | undefined;
  timeSeconds: number | undefined;
  cause: FailureCause | undefined;
  /** The journal's words for why the attempt or chunk failed. */
  reason: string | undefined;
  /**
   * The scheduler's accounting of the job (sacct, qacct, ...), when it was asked and answered;
   * the fields above stay the worker's and the journal's. Per job: in an elastic map every unit a
   * worker job ran shows that job's numbers.
   */
  schedState: string | undefined;
  schedExit: number | undefined;
  schedElapsedSeconds: number | undefined;
  schedCpuSeconds: number | undefined;
  schedPeakRssKb: number | undefined;
  schedHost: string | undefined;
}

interface ChunkEntry {
  chunk: number;
  firstTask: number;
  count: number;
  rows: TraceRow[];
  /** Set by a 'rerun' record: the positions its later attempts run (undefined there: all). */
  rerun?: { tasks: number[] | undefined };
}

export function buildTraceRows(
  records: readonly JournalRecord[],
  results: ReadonlyMap<number, ResultSummary>,
  accounting: ReadonlyMap<string, JobAccounting> = new Map(),
  requested: Resources = {},
): TraceRow[] {
  const chunks = new Map<number, ChunkEntry>();
  /** Elastic maps: what each worker job asked for, when a retry raised it. */
  const workerRequest = new Map<string, Resources>();
  // Keyed by job and chunk: in an elastic map one worker job runs (claims) many chunks.
  const rowOf = new Map<string, TraceRow>();
  const rowsOfJob = new Map<string, TraceRow[]>();
  /** Cancelled jobs whose end is not recorded yet: they count as aborted only once the run ended. */
  let cancelled = new Map<string, { time: number; why: string }>();
  /** The fn jobs submitted from here on run: the first run's, or one a resume accepted instead. */
  let fn: string | undefined;
  for (const r of records) {
    switch (r.t) {
      case 'start':
        fn = shortFn(r.fingerprint.fn);
        break;
      case 'resume':
        if (r.fn) fn = shortFn(r.fn.hash);
        break;
      case 'rerun': {
        const c = chunks.get(r.chunk);
        if (c) c.rerun = { tasks: r.tasks };
        break;
      }
      case 'done': {
        // Rows whose result was superseded by a rerun are known from this record alone.
        const row = rowOf.get(`${r.job} ${r.chunk}`);
        if (!row) break;
        if (r.fn !== undefined) row.fn = r.fn;
        if (row.status === 'SUBMITTED' && r.failedTasks !== undefined) {
          row.status = r.failedTasks > 0 ? 'FAILED' : 'COMPLETED';
          row.exit = 0;
          row.failedTasks = r.failedTasks;
          row.cause = failureCause({ failedTasks: r.failedTasks });
          row.reason = row.cause ? `${r.failedTasks} of ${row.tasks} task(s) threw` : undefined;
        }
        break;
      }
      case 'chunk':
        chunks.set(r.chunk, { chunk: r.chunk, firstTask: r.firstTask, count: r.count, rows: [] });
        break;
      case 'submit':
        r.chunks.forEach((chunk, k) => {
          const c = chunks.get(chunk);
          const nativeId = r.ids[k];
          if (!c || nativeId === undefined) return;
          const row = newRow(c, nativeId, Date.parse(r.time), r.resources ?? workerRequest.get(nativeId) ?? requested, fn);
          c.rows.push(row);
          rowOf.set(`${nativeId} ${chunk}`, row);
          rowsOfJob.set(nativeId, [...(rowsOfJob.get(nativeId) ?? []), row]);
        });
        break;
      case 'retire': {
        const row = rowOf.get(`${r.job} ${r.chunk}`);
        if (row) endAttempt(row, r.cancelled ? 'ABORTED' : 'FAILED', Date.parse(r.time), r.reason);
        break;
      }
      case 'failed': {
        const row = chunks.get(r.chunk)?.rows.at(-1);
        if (row) {
          row.reason ??= r.reason;
          if (row.status === 'SUBMITTED') endAttempt(row, 'FAILED', undefined, r.reason);
        }
        break;
      }
      case 'workers':
        if (r.resources) for (const id of r.ids) workerRequest.set(id, r.resources);
        break;
      case 'cancel':
        for (const id of r.ids) cancelled.set(id, { time: Date.parse(r.time), why: r.why });
        break;
      case 'end':
        for (const [id, { time, why }] of cancelled) {
          for (const row of rowsOfJob.get(id) ?? []) {
            if (row.status === 'SUBMITTED') endAttempt(row, 'ABORTED', time, `cancelled (${why})`);
          }
        }
        cancelled = new Map();
        break;
      default:
        break;
    }
  }
  for (const c of chunks.values()) {
    const result = results.get(c.chunk);
    if (result) applyResult(c, result, (jobId) => workerRequest.get(jobId) ?? requested);
    for (const row of c.rows) {
      const job = accounting.get(row.nativeId);
      if (job) applyAccounting(row, job);
    }
  }
  return [...chunks.values()].sort((a, b) => a.chunk - b.chunk).flatMap((c) => c.rows);
}

function newRow(c: ChunkEntry, nativeId: string, submit: number, request: Resources, fn: string | undefined): TraceRow {
  const rerun = c.rerun?.tasks;
  return {
    taskId: c.chunk,
    attempt: c.rows.length + 1,
    nativeId,
    name:
      `chunk ${c.chunk} (${c.count === 1 ? `task ${c.firstTask}` : `tasks ${c.firstTask}-${c.firstTask + c.count - 1}`})` +
      (rerun ? `, rerun of task${rerun.length === 1 ? '' : 's'} ${rerun.map((p) => c.firstTask + p).join(',')}` : c.rerun ? ', rerun' : ''),
    status: 'SUBMITTED',
    exit: undefined,
    firstTask: c.firstTask,
    tasks: rerun?.length ?? c.count,
    failedTasks: undefined,
    fn,
    submit: Number.isFinite(submit) ? submit : undefined,
    start: undefined,
    complete: undefined,
    queueWait: undefined,
    duration: undefined,
    realtime: undefined,
    hostname: undefined,
    cpuSeconds: undefined,
    cpuPercent: undefined,
    peakRssKb: undefined,
    memoryMb: orUndefined(() => (request.memory === undefined ? undefined : parseMemoryMegabytes(request.memory))),
    timeSeconds: orUndefined(() => (request.walltime === undefined ? undefined : parseWalltimeSeconds(request.walltime))),
    cause: undefined,
    reason: undefined,
    schedState: undefined,
    schedExit: undefined,
    schedElapsedSeconds: undefined,
    schedCpuSeconds: undefined,
    schedPeakRssKb: undefined,
    schedHost: undefined,
  };
}

/** A request a run.json from another release may spell differently: unknown rather than an error. */
function orUndefined(read: () => number | undefined): number | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * The scheduler's numbers go in their own fields. A failed attempt whose journal reason named
 * no cause (a job that just vanished) takes the cause the scheduler's final state names.
 */
function applyAccounting(row: TraceRow, job: JobAccounting): void {
  row.schedState = job.state;
  row.schedExit = job.exitCode;
  row.schedElapsedSeconds = job.elapsedSeconds;
  row.schedCpuSeconds = job.cpuSeconds;
  row.schedPeakRssKb = job.maxRssKb;
  row.schedHost = job.host;
  if ((row.status === 'FAILED' || row.status === 'ABORTED') && (row.cause === undefined || row.cause === 'vanished') && row.failedTasks === undefined) {
    row.cause = (job.state === undefined ? undefined : schedulerCause(job.state)) ?? row.cause;
  }
}

function endAttempt(row: TraceRow, status: TraceStatus, complete: number | undefined, reason: string): void {
  row.status = status;
  row.reason = reason;
  row.cause = failureCause({ reason });
  row.exit = exitStatusIn(reason);
  if (complete !== undefined && Number.isFinite(complete)) {
    row.complete = complete;
    if (row.submit !== undefined) row.duration = complete - row.submit;
  }
}

/** "exit status 137", "exit code 1": the number, when the scheduler's words give one. */
export function exitStatusIn(reason: string): number | undefined {
  const m = /exit (?:status|code)[ =:]*(\d+)/i.exec(reason);
  return m ? Number(m[1]) : undefined;
}

/**
 * Puts the result file's facts on the attempt whose job wrote it. A job retired as lost whose
 * result turned up later (a slow shared file system) still ran the chunk: its row says so.
 */
function applyResult(c: ChunkEntry, result: ResultSummary, requestOf: (jobId: string) => Resources): void {
  const start = Date.parse(result.startedAt);
  const complete = Date.parse(result.finishedAt);
  let row = c.rows.findLast((r) => r.nativeId === result.jobId) ?? c.rows.at(-1);
  if (!row) {
    // An elastic unit whose claim the pool saw only after its result: its worker ran it.
    row = newRow(c, result.jobId, start, requestOf(result.jobId), undefined);
    c.rows.push(row);
  }
  // An elastic claim is journaled when the pool sees it, which can be after the unit started.
  if (row.submit !== undefined && Number.isFinite(start) && start < row.submit) row.submit = start;
  row.status = result.failedTasks > 0 ? 'FAILED' : 'COMPLETED';
  row.exit = 0;
  row.failedTasks = result.failedTasks;
  row.hostname = result.host;
  row.start = Number.isFinite(start) ? start : undefined;
  row.complete = Number.isFinite(complete) ? complete : undefined;
  if (row.start !== undefined && row.submit !== undefined) row.queueWait = Math.max(0, row.start - row.submit);
  if (row.complete !== undefined && row.submit !== undefined) row.duration = row.complete - row.submit;
  if (row.complete !== undefined && row.start !== undefined) row.realtime = row.complete - row.start;
  row.cpuSeconds = result.cpuSeconds;
  row.peakRssKb = result.peakRssKb;
  if (result.cpuSeconds !== undefined && row.realtime !== undefined && row.realtime > 0) {
    row.cpuPercent = (result.cpuSeconds * 1000 * 100) / row.realtime;
  }
  const cause = failureCause({ failedTasks: result.failedTasks });
  row.cause = cause;
  row.reason = cause ? `${result.failedTasks} of ${row.tasks} task(s) threw` : undefined;
}
