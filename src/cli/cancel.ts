/**
 * `qmr cancel`: stops a run. A live submitting process is asked to stop (a file in the work dir
 * it checks every round) and cancels its own jobs; for a run whose submitter is gone, this
 * command cancels the jobs the journal lists as possibly queued and records the end.
 */
import { writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { Journal } from '../journal.js';
import { resolveOptions, type FlavorName, type PoolOptions } from '../options.js';
import { openQueue } from '../queues/registry.js';
import { chunkSummaries, loadRun, type RunInfo } from './runs.js';

export interface CancelOutcome {
  run: string;
  how: 'asked the submitting process' | 'cancelled jobs' | 'nothing to cancel';
  jobs: string[];
  stillRunning?: boolean;
}

export async function cancelRun(run: RunInfo, waitMs = 60_000): Promise<CancelOutcome> {
  const jobs = chunkSummaries(run).filter((c) => c.state === 'queued' && c.job).map((c) => c.job!);
  if (run.state === 'running' && run.submitter !== 'gone') {
    await writeFile(run.layout.cancelRequest, `cancel requested by ${userInfo().username}@${hostname()} at ${new Date().toISOString()}\n`);
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const again = await loadRun(run.dir);
      if (again.recorded.ended) return { run: run.record.runId, how: 'asked the submitting process', jobs };
      await new Promise((r) => setTimeout(r, 250));
    }
    return { run: run.record.runId, how: 'asked the submitting process', jobs, stillRunning: true };
  }
  if (jobs.length === 0) return { run: run.record.runId, how: 'nothing to cancel', jobs };
  const saved = (run.record.options ?? {}) as PoolOptions;
  const options = resolveOptions({ commands: saved.commands ?? {}, commandTimeout: 60_000 });
  await openQueue(options, run.record.flavor as FlavorName).cancel(jobs);
  // The submitting process is gone: this command writes the journal in its place.
  const journal = new Journal(run.layout.journal);
  const time = new Date().toISOString();
  await journal.append(
    { t: 'cancel', time, ids: jobs, why: 'qmr cancel' },
    { t: 'end', time, outcome: 'aborted', message: 'cancelled with qmr cancel' },
  );
  await journal.flush();
  return { run: run.record.runId, how: 'cancelled jobs', jobs };
}
