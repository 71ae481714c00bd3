/**
 * `qmr cancel`: stops a run. A live submitting process is asked to stop (a file in the work dir
 * it checks every round) and cancels its own jobs; for a run whose submitter is gone, this
 * command cancels the jobs the journal lists as possibly queued and records the end. Of a run that
 * has already ended, only jobs whose cancel failed as it ended are cancelled (no second end is
 * written); otherwise it is left alone.
 */
import { queuedWorkerJobs } from './workers.js';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { Journal } from '../resume/journal.js';
import { resolveOptions, type FlavorName, type PoolOptions } from '../options.js';
import { openQueue } from '../queues/registry.js';
import { chunkSummaries, loadRun, type RunInfo } from './runs.js';

export interface CancelOutcome {
  run: string;
  /** The run's state before this command. */
  state: string;
  how: 'asked the submitting process' | 'cancelled jobs' | 'nothing to cancel';
  /** Jobs cancelled (by this command, or by the submitting process on request). */
  jobs: string[];
  stillRunning?: boolean;
}

export async function cancelRun(run: RunInfo, waitMs = 60_000): Promise<CancelOutcome> {
  const base = { run: run.record.runId, state: run.state };
  // Chunks' jobs (in an elastic run, the workers holding claims) and the elastic run's other workers.
  const queuedJobs = () => [...new Set([...chunkSummaries(run).filter((c) => c.state === 'queued' && c.job).map((c) => c.job!), ...queuedWorkerJobs(run.recorded)])];
  if (run.recorded.ended && run.state !== 'detached') {
    // Jobs still queued in an ended run are ones whose cancel failed as it ended (the scheduler
    // refused or was down): remove them now, recording only the cancel (the run has its end).
    const leftovers = queuedJobs();
    if (leftovers.length === 0) return { ...base, how: 'nothing to cancel', jobs: [] };
    await cancelJobs(run, leftovers);
    const journal = new Journal(run.layout.journal);
    await journal.append({ t: 'cancel', time: new Date().toISOString(), ids: leftovers, why: 'qmr cancel (left in the queue when the run ended)' });
    await journal.flush();
    return { ...base, how: 'cancelled jobs', jobs: leftovers };
  }
  if (run.state === 'running') {
    const request = `cancel requested by ${userInfo().username}@${hostname()} at ${new Date().toISOString()}\n`;
    await writeFile(run.layout.cancelRequest, request);
    const cancelledBefore = new Set(run.cancelledJobs);
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const again = await loadRun(run.dir);
      if (again.recorded.ended) {
        // The request has been served: take it away. Not for a later resume (MapRun removes a
        // leftover request whenever a run is resumed, by `qmr resume` or by the program run again
        // with this workDir), but because nothing else would: the submitting process stops on
        // the file without removing it, and a run that is never resumed would keep a file that
        // says a cancel is pending for a process long gone (the work dir's layout says it exists
        // while a live submitter has yet to act on it). Only our own request: a second
        // `qmr cancel`, meant for a resumed run, may have replaced it meanwhile.
        if ((await readFile(run.layout.cancelRequest, 'utf8').catch(() => undefined)) === request) {
          await rm(run.layout.cancelRequest, { force: true });
        }
        // What the submitting process cancelled on its way out, from its journal.
        const jobs = [...again.cancelledJobs].filter((id) => !cancelledBefore.has(id));
        return { ...base, how: 'asked the submitting process', jobs };
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return { ...base, how: 'asked the submitting process', jobs: queuedJobs(), stillRunning: true };
  }
  // interrupted (submitter gone) or detached (left its jobs in the queue on purpose)
  const jobs = queuedJobs();
  if (jobs.length > 0) await cancelJobs(run, jobs);
  // The submitting process is gone: this command writes the journal in its place, so that the run
  // reads as aborted (a resume can still carry it on).
  const journal = new Journal(run.layout.journal);
  const time = new Date().toISOString();
  await journal.append(
    ...(jobs.length > 0 ? [{ t: 'cancel' as const, time, ids: jobs, why: 'qmr cancel' }] : []),
    { t: 'end', time, outcome: 'aborted', message: 'cancelled with qmr cancel' },
  );
  await journal.flush();
  return { ...base, how: jobs.length > 0 ? 'cancelled jobs' : 'nothing to cancel', jobs };
}

/** Cancels jobs through the run's own scheduler commands (as recorded in run.json). */
async function cancelJobs(run: RunInfo, jobs: string[]): Promise<void> {
  const saved = (run.record.options ?? {}) as PoolOptions;
  const options = resolveOptions({ commands: saved.commands ?? {}, commandTimeout: 60_000 });
  await openQueue(options, run.record.flavor as FlavorName).cancel(jobs);
}

/** One line for people. */
export function describeCancel(outcome: CancelOutcome, dir: string): string {
  const list = (jobs: string[]) => `${jobs.length} job(s): ${jobs.slice(0, 10).join(' ')}${jobs.length > 10 ? ' ...' : ''}`;
  switch (outcome.how) {
    case 'nothing to cancel':
      return outcome.state === 'interrupted' || outcome.state === 'detached'
        ? `${outcome.run}: no job left in the queue; marked as aborted (\`qmr resume ${dir}\` can still carry it on)`
        : `${outcome.run}: nothing to cancel, the run has already ended (${outcome.state})`;
    case 'cancelled jobs':
      return `${outcome.run}: cancelled ${list(outcome.jobs)}; the run is marked as aborted`;
    case 'asked the submitting process':
      if (outcome.stillRunning) return `${outcome.run}: asked the submitting process to stop, but it has not stopped yet (try again, or kill it and run \`qmr cancel\` once more)`;
      return `${outcome.run}: stopped by its submitting process${outcome.jobs.length ? `, which cancelled ${list(outcome.jobs)}` : ''}`;
  }
}
