/**
 * Slurm's accounting: one `sacct` for all jobs (array ids by their base id, which lists every
 * element), with the step lines. Tested on verbatim sacct output of Slurm 22.05.8 with slurmdbd
 * (test/fixtures/slurm/live/sacct_accounting.out).
 *
 * The allocation line (`123`, `123_4`) carries the job's state, exit code, elapsed time, node
 * and times; MaxRSS is a per-step figure, empty on the allocation line and given on `123.batch`
 * (and on `123.extern` and numbered steps): the job's is the largest. jobacct_gather samples every
 * JobAcctGatherFrequency seconds (30 by default), so a job shorter than that shows the RSS of what
 * was still running at its last sample (the batch shell), not its peak: the worker's own peak_rss
 * stays the better figure for short jobs.
 */
import type { CommandLine, CommandResult, JobAccounting } from '../queue.js';
import { HistoryUnavailableError } from '../queue.js';
import { assertStatusRan, NO_HARMLESS_MESSAGE } from '../parse-helpers.js';
import { splitIntoBatches } from '../batches.js';
import { clockSeconds, definedFields, localTime, memoryKb } from '../accounting-units.js';

export const SACCT_ACCOUNTING_FORMAT = 'JobID,State,ExitCode,MaxRSS,TotalCPU,Elapsed,NodeList,Start,End';

export function sacctAccountingCommands(jobIds: readonly string[], command: (name: string) => string): CommandLine[] {
  const bases = [...new Set(jobIds.map((id) => id.split('_')[0]!))];
  return splitIntoBatches(bases).map((ids) => ({
    file: command('sacct'),
    args: ['--noheader', '--parsable2', `--format=${SACCT_ACCOUNTING_FORMAT}`, `--jobs=${ids.join(',')}`],
  }));
}

export function parseSacctAccountingOutput(result: CommandResult): Map<string, JobAccounting> {
  if (/accounting storage is disabled/i.test(`${result.stderr}\n${result.stdout}`)) {
    throw new HistoryUnavailableError('Slurm accounting storage is disabled on this cluster: sacct has no accounting');
  }
  assertStatusRan(result, 'sacct', NO_HARMLESS_MESSAGE, { silentExitAnswers: false });
  return parseSacctAccounting(result.stdout);
}

/**
 * `JobID|State|ExitCode|MaxRSS|TotalCPU|Elapsed|NodeList|Start|End` lines: allocation lines make
 * the job's record, step lines (`ID.batch`, `ID.extern`, `ID.0`) only raise its MaxRSS. A requeued
 * job listed twice keeps its last run, as sacct orders them.
 */
export function parseSacctAccounting(stdout: string): Map<string, JobAccounting> {
  const jobs = new Map<string, JobAccounting>();
  const stepRss = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split('|');
    if (fields.length !== 9) continue; // warnings, blank lines
    const [jobId = '', state = '', exitCode = '', maxRss, totalCpu, elapsed, nodes, start, end] = fields;
    const m = /^(\d+(?:_\d+)?)(?:\.(.+))?$/.exec(jobId);
    if (!m) continue; // folded pending elements `123_[1-3]`, heterogeneous components: not jobs the pool tracks
    const [, id, step] = m;
    const rss = memoryKb(maxRss);
    if (step !== undefined) {
      if (rss !== undefined) stepRss.set(id!, Math.max(stepRss.get(id!) ?? 0, rss));
      continue;
    }
    const [code, signal] = exitCode.split(':').map((n) => (/^\d+$/.test(n) ? Number(n) : undefined));
    jobs.set(
      id!,
      definedFields({
        state: state.trim() || undefined,
        exitCode: code,
        signal: signal === 0 ? undefined : signal,
        maxRssKb: rss,
        cpuSeconds: clockSeconds(totalCpu),
        elapsedSeconds: clockSeconds(elapsed),
        host: nodes && nodes !== 'None assigned' ? nodes : undefined,
        start: localTime(start),
        end: localTime(end),
      }),
    );
  }
  for (const [id, rss] of stepRss) {
    const job = jobs.get(id);
    if (job) job.maxRssKb = Math.max(job.maxRssKb ?? 0, rss);
  }
  return jobs;
}
