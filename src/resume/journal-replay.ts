/**
 * What a journal says about a run: the chunks, each chunk's attempts and where it stands. Used
 * to resume a run in a new process and by `qmr status` to describe it. Pure.
 */
import { resubmissionsIn, type Attempt } from '../map/chunk-tracker.js';
import type { Fingerprint, JournalRecord } from './journal.js';
import type { Resources } from '../options.js';

export interface RecordedChunk {
  chunk: number;
  firstTask: number;
  count: number;
  hash: string;
  attempts: Attempt[];
  /** 'queued': its last job was submitted and has not ended as far as the journal knows. */
  phase: 'unsubmitted' | 'queued' | 'done' | 'failed';
  failure?: string;
  /** How many of a done chunk's tasks threw, when the journal says (older journals do not). */
  failedTasks?: number;
  /** shortFn of the fn that produced the chunk's last result read (absent in older journals). */
  fn?: string;
  /** How often its failed tasks were set to run again (rerunFailed). */
  reruns?: number;
}

/** An elastic map's worker job, as the journal knows it. */
export interface RecordedWorker {
  ticket: number;
  jobId: string;
  submittedAt: number;
  /** 'queued': submitted and not known to have ended; 'cancelled': by the pool as the run ended. */
  phase: 'queued' | 'exited' | 'failed' | 'cancelled';
  reason?: string;
  /** What the worker asked for, when a retry raised it above the map's resources. */
  resources?: Resources;
}

export interface RecordedRun {
  fingerprint: Fingerprint | undefined;
  startedAt: string | undefined;
  chunks: Map<number, RecordedChunk>;
  /** Elastic maps: worker jobs by ticket. */
  workers: Map<number, RecordedWorker>;
  /** Elastic maps: why the number of workers last grew from the plan's, when it did. */
  workerGrowth?: string;
  /** Set when every task had been written to a chunk file. */
  input: { chunks: number; tasks: number } | undefined;
  resubmissions: number;
  ended: { outcome: string; time: string; message?: string } | undefined;
  /** Last time anything was recorded. */
  lastTime: string | undefined;
  resumes: number;
}

export function replayJournal(records: readonly JournalRecord[]): RecordedRun {
  const run: RecordedRun = {
    fingerprint: undefined,
    startedAt: undefined,
    chunks: new Map(),
    workers: new Map(),
    input: undefined,
    resubmissions: 0,
    ended: undefined,
    lastTime: undefined,
    resumes: 0,
  };
  /** The chunk each job id ran (array elements have ids of their own), for cancel records. */
  const chunkOfJob = new Map<string, RecordedChunk>();
  const workerOfJob = new Map<string, RecordedWorker>();
  /** Job id → why, for cancel records since the last start or end (see 'end'). */
  const cancelledBeforeEnd = new Map<string, string>();
  for (const r of records) {
    if ('time' in r) run.lastTime = r.time;
    switch (r.t) {
      case 'start':
        run.fingerprint = r.fingerprint;
        run.startedAt = r.time;
        break;
      case 'resume':
        cancelledBeforeEnd.clear();
        run.resumes += 1;
        run.ended = undefined;
        // A changed fn accepted for the failed tasks is the run's fn from here on.
        if (r.fn && run.fingerprint) run.fingerprint = { ...run.fingerprint, fn: r.fn.hash, fnDescription: r.fn.description };
        break;
      case 'chunk':
        run.chunks.set(r.chunk, { chunk: r.chunk, firstTask: r.firstTask, count: r.count, hash: r.hash, attempts: [], phase: 'unsubmitted' });
        break;
      case 'input-end':
        run.input = { chunks: r.chunks, tasks: r.tasks };
        break;
      case 'submit':
        r.chunks.forEach((chunk, k) => {
          const c = run.chunks.get(chunk);
          if (!c) return;
          c.attempts.push({ jobId: r.ids[k]!, submittedAt: Date.parse(r.time), ...(r.resources ? { resources: r.resources } : {}) });
          chunkOfJob.set(r.ids[k]!, c);
          c.phase = 'queued';
        });
        break;
      case 'retire': {
        const c = run.chunks.get(r.chunk);
        const attempt = c?.attempts.find((a) => a.jobId === r.job);
        if (c && attempt) {
          attempt.endedBecause = r.reason;
          if (r.cancelled) attempt.cancelled = true;
          if (c.attempts.at(-1) === attempt && c.phase === 'queued') c.phase = 'unsubmitted';
        }
        break;
      }
      case 'done': {
        const c = run.chunks.get(r.chunk);
        if (c) {
          c.phase = 'done';
          if (r.failedTasks !== undefined) c.failedTasks = r.failedTasks;
          if (r.fn !== undefined) c.fn = r.fn;
        }
        break;
      }
      case 'rerun': {
        // Its failed tasks run again, with a fresh resubmission budget (as a given-up chunk gets).
        const c = run.chunks.get(r.chunk);
        if (c) {
          c.phase = 'unsubmitted';
          run.resubmissions += resubmissionsIn(c.attempts); // the attempts' count stays the run's
          c.attempts = [];
          c.reruns = (c.reruns ?? 0) + 1;
          delete c.failedTasks;
          delete c.failure;
        }
        break;
      }
      case 'failed': {
        const c = run.chunks.get(r.chunk);
        if (c) {
          c.phase = 'failed';
          c.failure = r.reason;
        }
        break;
      }
      case 'workers':
        r.tickets.forEach((ticket, k) => {
          const worker: RecordedWorker = { ticket, jobId: r.ids[k]!, submittedAt: Date.parse(r.time), phase: 'queued', ...(r.resources ? { resources: r.resources } : {}) };
          run.workers.set(ticket, worker);
          workerOfJob.set(worker.jobId, worker);
        });
        if (r.why) run.workerGrowth = r.why;
        break;
      case 'worker-end': {
        const worker = run.workers.get(r.ticket);
        if (worker) {
          worker.phase = r.how;
          if (r.reason !== undefined) worker.reason = r.reason;
        }
        break;
      }
      case 'end':
        run.ended = { outcome: r.outcome, time: r.time, ...(r.message ? { message: r.message } : {}) };
        // Jobs cancelled as the run ended (the map stopping, or `qmr cancel`) are over: their
        // chunks are to be submitted again, rather than watched (a resume would otherwise wait
        // out missingGrace for each). A cancel without an end is left alone: the process may
        // have died before it could tell whether the job had already written its result.
        for (const [id, why] of cancelledBeforeEnd) {
          const c = chunkOfJob.get(id);
          const last = c?.attempts.at(-1);
          if (c && last?.jobId === id && c.phase === 'queued') {
            last.endedBecause ??= `cancelled (${why})`;
            last.cancelled = true;
            c.phase = 'unsubmitted';
          }
          const worker = workerOfJob.get(id);
          if (worker?.phase === 'queued') {
            worker.phase = 'cancelled';
            worker.reason = why;
          }
        }
        cancelledBeforeEnd.clear();
        break;
      case 'cancel':
        for (const id of r.ids) cancelledBeforeEnd.set(id, r.why);
        break;
    }
  }
  // Counted at the end: a stopped job's retire may be journaled after its chunk ran again.
  for (const c of run.chunks.values()) run.resubmissions += resubmissionsIn(c.attempts);
  return run;
}
