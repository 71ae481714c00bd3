/**
 * Grid Engine's accounting: `qacct -j ID`, one call per job (qacct takes one job number or name
 * per call; an array job is one job, and its call lists every task). Tested on verbatim output of
 * SGE 8.1.9 (test/fixtures/sge/qacct-j-*.txt).
 *
 * qacct has no state word: the job's end is told by `failed` (non-zero when SGE itself ended or
 * never started the job: `37  : qmaster enforced h_rt, h_cpu, or h_vmem limit`, `100 : assumedly
 * after job`) and `exit_status` (`137                  (Killed)`). The state given here is
 * those words. 8.1.9 prints ru_maxrss, which getrusage gives in kilobytes, through its
 * byte formatter: `67.844KB` is 67.844 × 1024 = 69472 KB (RSS in KB is a multiple of the 4 KB page,
 * which this reading gives and a decimal one would not), the job's peak RSS.
 */
import type { CommandLine, CommandResult, JobAccounting, JobStatus } from '../queue.js';
import { CommandOutputError, HistoryUnavailableError } from '../queue.js';
import { clockSeconds, definedFields, localTime, memoryKb } from '../accounting-units.js';

export function qacctCommands(jobIds: readonly string[], command: (name: string) => string): CommandLine[] {
  return [...new Set(jobIds.map((id) => id.split('.')[0]!))].map((job) => ({ file: command('qacct'), args: ['-j', job] }));
}

/** `error: job id 999999 not found` (exit 1): the job is not in the accounting file (yet), an answer. */
const UNKNOWN_JOB = /job id \d+ not found|job name .* not found/i;
const NO_ACCOUNTING_FILE = /accounting file/i;

export function parseQacctOutput(result: CommandResult): Map<string, JobAccounting> {
  if (result.timedOut) throw new CommandOutputError('qacct timed out');
  if (result.exitCode !== 0) {
    const said = `${result.stderr}\n${result.stdout}`.trim();
    if (UNKNOWN_JOB.test(said)) return new Map();
    if (NO_ACCOUNTING_FILE.test(said)) throw new HistoryUnavailableError(`qacct: ${said.slice(0, 300)}`);
    throw new CommandOutputError(`qacct exited with ${result.exitCode ?? 'no exit code'}: ${said.slice(0, 300)}`);
  }
  return parseQacct(result.stdout);
}

/**
 * The `=====` separated records of `qacct -j`, keyed `JOB` for a plain job (taskid `undefined`)
 * and `JOB.TASK` for an array task, as qsub's ids were. A job rerun (or a job number reused after
 * a qmaster reset) has several records: the last one is the latest.
 */
export function parseQacct(stdout: string): Map<string, JobAccounting> {
  return new Map([...qacctRecords(stdout)].map(([id, fields]) => [id, qacctRecord(fields)]));
}

/** Each record's fields by name, keyed by job id as qsub printed it (`JOB` or `JOB.TASK`). */
export function qacctRecords(stdout: string): Map<string, Map<string, string>> {
  const jobs = new Map<string, Map<string, string>>();
  for (const block of stdout.split(/^=+\s*$/m)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const m = /^(\w+)\s+(.*?)\s*$/.exec(line);
      if (m) fields.set(m[1]!, m[2]!);
    }
    const job = fields.get('jobnumber');
    if (!job) continue;
    const task = fields.get('taskid');
    jobs.set(task && /^\d+$/.test(task) ? `${job}.${task}` : job, fields);
  }
  return jobs;
}

/**
 * qacct as history: how each job ended, for the chunk tracker. `failed 37` is SGE killing a job
 * at a limit, without saying which: it was the time limit when the job ran as long as its h_rt,
 * the memory limit when its maxvmem reached its h_vmem (both requests are in `category`). Seen
 * here: h_rt=5 → failed 37, exit_status 137, ru_wallclock 6s (test/fixtures/sge/qacct-j-h_rt-exceeded.txt).
 */
export function parseQacctHistory(result: CommandResult): Map<string, JobStatus> {
  if (result.exitCode !== 0) {
    parseQacctOutput(result); // throws for what is not an answer
    return new Map();
  }
  const statuses = new Map<string, JobStatus>();
  for (const [id, fields] of qacctRecords(result.stdout)) statuses.set(id, qacctStatus(fields));
  return statuses;
}

function qacctStatus(fields: Map<string, string>): JobStatus {
  const failed = Number(/^(\d+)/.exec(fields.get('failed') ?? '')?.[1] ?? 0);
  const exit = Number(/^(\d+)/.exec(fields.get('exit_status') ?? '')?.[1] ?? 0);
  const native = failed !== 0 ? `failed ${failed}, exit_status ${exit}` : `exit_status ${exit}`;
  if (failed === 0 && exit === 0) return { state: 'finished', native, outcome: 'success' };
  if (failed === 37) {
    const category = fields.get('category') ?? '';
    const hRt = /h_rt=([\d:]+)/.exec(category)?.[1];
    const hVmem = /h_vmem=([\d.]+[KMGT]?)/i.exec(category)?.[1];
    const ran = clockSeconds(fields.get('ru_wallclock'));
    const peak = memoryKb(fields.get('maxvmem'), 'B');
    const limitSeconds = clockSeconds(hRt);
    if (limitSeconds !== undefined && ran !== undefined && ran >= limitSeconds) {
      return { state: 'finished', native, outcome: 'failure', fatal: true, limit: 'walltime', reason: `reached its time limit (h_rt=${hRt}): raise resources.walltime` };
    }
    const limitKb = hVmem === undefined ? undefined : memoryKb(hVmem, 'B');
    if (limitKb !== undefined && peak !== undefined && peak >= limitKb * 0.95) {
      return { state: 'finished', native, outcome: 'failure', fatal: true, limit: 'memory', reason: `ran out of memory (h_vmem=${hVmem}): raise resources.memory` };
    }
    return { state: 'finished', native, outcome: 'failure', reason: fields.get('failed') };
  }
  return { state: 'finished', native, outcome: 'failure' };
}

function qacctRecord(fields: Map<string, string>): JobAccounting {
  const failed = /^(\d+)\s*(?::\s*(.*))?$/.exec(fields.get('failed') ?? '');
  const exit = /^(\d+)\s*(?:\((.*)\))?$/.exec(fields.get('exit_status') ?? '');
  const failedCode = failed ? Number(failed[1]) : undefined;
  const state =
    failedCode !== undefined && failedCode !== 0
      ? `failed ${failedCode}${failed![2] ? `: ${failed![2]}` : ''}`
      : exit
        ? `exit_status ${exit[1]}${exit[2] ? ` (${exit[2]})` : ''}`
        : undefined;
  const rss = memoryKb(fields.get('ru_maxrss'), 'B');
  return definedFields({
    state,
    exitCode: exit ? Number(exit[1]) : undefined,
    maxRssKb: rss === undefined ? undefined : Math.round(rss * 1024),
    cpuSeconds: clockSeconds(fields.get('cpu')),
    elapsedSeconds: clockSeconds(fields.get('ru_wallclock')),
    host: fields.get('hostname') || undefined,
    start: localTime(fields.get('start_time')),
    end: localTime(fields.get('end_time')),
  });
}
