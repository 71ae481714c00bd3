/**
 * Slurm: `sbatch --parsable` (one call per array), one `squeue --array --states=all` per poll
 * for the jobs of interest, `scancel`, `sacct` for jobs that have left slurmctld's memory, and
 * `sinfo` + `scontrol show config` for the cluster's size. Parsers are pure and tested on
 * verbatim outputs of Slurm 22.05.8 (test/fixtures/slurm, origins in its SOURCES.md).
 *
 * How Slurm states become JobStates (docs/queues/slurm.md has this table with what the pool does,
 * and test/unit/docs-match-code.test.ts runs its states through slurmState):
 *
 * | Slurm state (squeue %T, sacct State)            | reason (squeue %r)                         | JobState  | outcome, fatal |
 * |-------------------------------------------------|--------------------------------------------|-----------|----------------|
 * | PENDING                                         | JobHeldUser, JobHeldAdmin, job requeued in held state | held |         |
 * | PENDING                                         | launch failed requeued held, JobHoldMaxRequeue, BadConstraints, DependencyNeverSatisfied, PartitionConfig, PartitionTimeLimit, InvalidAccount, InvalidQOS, AccountNotAllowed, QOSNotAllowed, (Assoc\|QOS)Max…PerJob…, QOSMin… | error | fatal, except the first two |
 * | PENDING                                         | anything else (Resources, Priority, Dependency, BeginTime, JobArrayTaskLimit, PartitionDown, …) | pending | |
 * | CONFIGURING, REQUEUED, REQUEUE_FED, RESIZING    |                                            | pending   |                |
 * | REQUEUE_HOLD, RESV_DEL_HOLD                     |                                            | held      |                |
 * | SPECIAL_EXIT                                    |                                            | error     |                |
 * | RUNNING, COMPLETING, SIGNALING, STAGE_OUT       |                                            | running   |                |
 * | SUSPENDED, STOPPED                              |                                            | suspended |                |
 * | COMPLETED                                       |                                            | finished  | success        |
 * | FAILED, NODE_FAIL, BOOT_FAIL, DEADLINE, PREEMPTED, CANCELLED (also `CANCELLED by UID`) | | finished | failure (resubmitted) |
 * | OUT_OF_MEMORY                                   |                                            | finished  | failure, fatal: raise resources.memory   |
 * | TIMEOUT                                         |                                            | finished  | failure, fatal: raise resources.walltime |
 * | any other word (REVOKED, a future state)        |                                            | stalled   |                |
 *
 * "error" is for pending jobs that will never start without someone changing them or the
 * cluster: the pool cancels and resubmits them (and gives up after maxResubmissions, with
 * Slurm's reason in the message). Those a resubmission would repeat (all but the two holds after
 * launch failures) also carry fatal: true and a reason naming the option to change: their job is
 * cancelled and their chunk fails at once.
 * CANCELLED is a failure because the pool cancels only jobs it no longer tracks: a cancel seen
 * here came from someone else (a user, an admin, a limit).
 */
import { formatChunkSpec } from '../../protocol/chunk-spec.js';
import { expandLenientIndexList } from '../../protocol/index-ranges.js';
import { parseSacctAccountingOutput, sacctAccountingCommands } from './accounting.js';
import { splitIntoBatches } from '../batches.js';
import {
  arrayShape,
  assertStatusRan,
  cancelByIds,
  elementIds,
  NO_HARMLESS_MESSAGE,
  resourceNumbers,
} from '../parse-helpers.js';
import type { CommandFlavor, CommandLine, JobStatus, QueueInfo, SubmitRequest } from '../queue.js';
import { CommandOutputError, HistoryUnavailableError } from '../queue.js';

/** squeue's fields: job id (`ID_TASK` for array elements), state word, reason. `|` is in none of them. */
const SQUEUE_FORMAT = '%i|%T|%r';

export const slurm: CommandFlavor = {
  name: 'slurm',
  supportsArrays: true,
  commandNames: ['sbatch', 'squeue', 'scancel', 'sacct', 'sinfo', 'scontrol'],
  convention: {
    indexExpression: '${SLURM_ARRAY_TASK_ID:-}',
    indexBase: 0,
    // ARRAYJOBID_TASK for an array element (as squeue, scancel and sacct name it), JOBID otherwise.
    // Pure parameter expansion: no subshell.
    jobIdExpression: '${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-unknown}}${SLURM_ARRAY_JOB_ID:+_${SLURM_ARRAY_TASK_ID:-}}',
    // A plain job gets --index 0 (it may have inherited SLURM_ARRAY_* from a caller inside an array).
    explicitIndexJobIdExpression: '${SLURM_JOB_ID:-unknown}',
  },
  // From submitCommand's %x-%j and %x-%A_%a.
  schedulerLogNames: (j, t) => [t === undefined ? `.+-${j}\\.(?:out|err)` : `.+-${j}_${t}\\.(?:out|err)`],

  submitCommand(request, command): CommandLine {
    const { count, array } = arrayShape(request);
    const dir = escapeFilenamePattern(request.schedulerLogDir);
    // %x = job name, %A_%a = array job id and index (as squeue shows the element), %j = job id.
    const stem = array ? `${dir}/%x-%A_%a` : `${dir}/%x-%j`;
    const args = [
      '--parsable',
      `--job-name=${request.jobName}`,
      `--output=${stem}.out`,
      `--error=${stem}.err`,
      `--chdir=${request.workingDir}`,
      // A job whose node fails (or whose launch fails) ends NODE_FAIL/FAILED here, and the pool
      // resubmits it at once, counting it against maxResubmissions and saying why. Slurm's own
      // requeue (the default on many sites) would instead put it back to PENDING under the same
      // id for ~2 minutes (Reason=BeginTime), or hold it as "launch failed requeued held" until
      // someone releases it. One retry policy, the pool's. submitArgs may say --requeue.
      '--no-requeue',
    ];
    if (array) {
      // Indices always start at 0: MaxArraySize caps the highest INDEX, not the count, so
      // `--array=1000-1999` fails where `--array=0-999` passes.
      const throttle = request.throttle !== undefined ? `%${request.throttle}` : '';
      args.push(`--array=0-${count - 1}${throttle}`);
    }
    args.push(...slurmResourceArgs(request));
    args.push(...request.submitArgs, request.script, '--chunks', formatChunkSpec(request.chunks));
    // A plain job submitted from inside an array element inherits that element's
    // SLURM_ARRAY_TASK_ID and SLURM_ARRAY_JOB_ID (seen on 22.05; --export=ALL,VAR=... does not
    // override them): job.sh would take the caller's index. Its --index wins over the variable.
    if (!array) args.push('--index', String(slurm.convention.indexBase));
    return { file: command('sbatch'), args };
  },

  parseSubmitOutput(result, request) {
    const id = parseSbatchParsable(result.stdout);
    const { count, array } = arrayShape(request);
    return array ? elementIds(count, (k) => `${id}_${k}`) : [id];
  },

  statusCommands(jobIds, command) {
    // One squeue for all jobs of interest. --jobs takes the base (array job) ids: an array's id
    // brings every element, and --array prints one line per element (pending ones included,
    // which squeue otherwise folds into `ID_[2-4]`). --states=all keeps jobs that ended within
    // MinJobAge, so that a failure is seen at once (without it they vanish with exit 0).
    // Several ids: unknown ones are left out silently; a single unknown id fails with exit 1
    // ("Invalid job id specified"), which parseStatusOutput reads as "gone".
    return commandsForJobList(command('squeue'), ['--noheader', '--array', '--states=all', `--format=${SQUEUE_FORMAT}`], jobIds);
  },

  parseStatusOutput(result) {
    // "Invalid job id specified": every listed id is unknown to slurmctld (never existed, or purged
    // after MinJobAge): those jobs are gone, which is an answer. Anything else (controller
    // unreachable), or an exit without a word, is a failure.
    assertStatusRan(result, 'squeue', SQUEUE_UNKNOWN_IDS, { silentExitAnswers: false });
    return parseSqueueOutput(result.stdout);
  },

  // scancel takes `ID_TASK` for one array element, and several ids per call. It exits 0 for jobs
  // that are unknown or already finished (it says so only with -v): a non-zero exit means it
  // could not do its work at all (controller unreachable, bad id).
  ...cancelByIds('scancel', NO_HARMLESS_MESSAGE),

  historyCommands(jobIds, command) {
    // -X: the job (allocation) lines only, not the `ID.batch`/`ID.extern` steps. With --jobs
    // and no --starttime, sacct searches all of history. An array's base id lists its elements.
    return commandsForJobList(command('sacct'), ['--noheader', '--parsable2', '--allocations', '--format=JobID,State,ExitCode'], jobIds);
  },

  parseHistoryOutput(result) {
    const text = `${result.stderr}\n${result.stdout}`;
    if (/accounting storage is disabled/i.test(text)) {
      throw new HistoryUnavailableError('Slurm accounting storage is disabled on this cluster: sacct has no history');
    }
    assertStatusRan(result, 'sacct', NO_HARMLESS_MESSAGE, { silentExitAnswers: false });
    return parseSacctOutput(result.stdout);
  },

  accountingCommands: sacctAccountingCommands,
  parseAccountingOutput: parseSacctAccountingOutput,

  infoCommands(command) {
    return [
      { file: command('sinfo'), args: ['--noheader', '--format=%P|%a|%C'] },
      { file: command('scontrol'), args: ['show', 'config'] },
    ];
  },

  parseInfoOutputs(results, resources) {
    const info: QueueInfo = {};
    const [sinfo, config] = results;
    if (sinfo && sinfo.exitCode === 0) {
      const slots = parseSinfoCpus(sinfo.stdout, resources.queue);
      if (slots !== undefined) info.slots = slots;
    }
    if (config && config.exitCode === 0) {
      const max = parseMaxArraySize(config.stdout);
      if (max !== undefined) info.maxArraySize = max;
    }
    return info;
  },
};

/**
 * squeue's one harmless message (exit 1, every listed id unknown). Only the line that says just
 * that: an unreachable controller prints other lines (`slurm_load_jobs error: Unable to contact
 * slurm controller`), which stay failures.
 */
const SQUEUE_UNKNOWN_IDS = /Invalid job id specified/i;

/** One command per batch of base ids, given as one `--jobs=1,2,3` (squeue and sacct take the list in one argument). */
function commandsForJobList(file: string, args: readonly string[], jobIds: readonly string[]): CommandLine[] {
  return splitIntoBatches(baseJobIds(jobIds)).map((ids) => ({ file, args: [...args, `--jobs=${ids.join(',')}`] }));
}

function slurmResourceArgs(request: SubmitRequest): string[] {
  const r = request.resources;
  const { cpus, memoryMb, walltimeSeconds } = resourceNumbers(r);
  const args: string[] = [];
  if (r.queue) args.push(`--partition=${r.queue}`);
  if (r.account) args.push(`--account=${r.account}`);
  if (walltimeSeconds !== undefined) args.push(`--time=${formatSlurmTime(walltimeSeconds)}`);
  if (cpus !== undefined) args.push(`--cpus-per-task=${cpus}`);
  // --mem is per node, and each job (or array element) is one task on one node: the job's memory.
  if (memoryMb !== undefined) args.push(`--mem=${memoryMb}M`);
  return args;
}

/**
 * Seconds → Slurm's `[D-]HH:MM:SS`, rounded up to whole minutes (Slurm's unit; it rounds seconds
 * up too) and at least 1 minute (`--time=0` would mean "no limit").
 */
export function formatSlurmTime(totalSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(totalSeconds / 60));
  const days = Math.floor(minutes / 1440);
  const hh = String(Math.floor((minutes % 1440) / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return days > 0 ? `${days}-${hh}:${mm}:00` : `${hh}:${mm}:00`;
}

/** In --output/--error, `%` starts a replacement (`%j`): a literal one in a folder name is `%%`. */
function escapeFilenamePattern(text: string): string {
  return text.replace(/%/g, '%%');
}

/** `123_4` → `123`, `123` → `123`; distinct, in first-seen order. */
export function baseJobIds(jobIds: readonly string[]): string[] {
  return [...new Set(jobIds.map((id) => id.split('_')[0]!))];
}

/**
 * `sbatch --parsable` prints `<id>` or `<id>;<cluster>`; site wrappers and job_submit plugins may
 * print other lines around it (sbatch's own warnings go to stderr). A wrapper that drops
 * --parsable leaves sbatch's `Submitted batch job <id>`, which is read too.
 */
export function parseSbatchParsable(stdout: string): string {
  const m = /^\s*(\d+)(?:;[^\s;]+)?\s*$/m.exec(stdout) ?? /^\s*Submitted batch job (\d+)\b/m.exec(stdout);
  if (m) return m[1]!;
  throw new Error(`no job id in sbatch's output: ${JSON.stringify(stdout.slice(0, 500))}`);
}

/**
 * A job id as squeue and sacct print it: `ID`, an array element `ID_TASK` or folded elements
 * `ID_[RANGES%N]`, or a component `ID+OFFSET` of a heterogeneous job (heterogeneous_jobs.html:
 * the two never combine). Captures the id, the offset and the task part.
 */
const JOB_ID = String.raw`(\d+)(?:\+(\d+)|_(\d+|\[[^\]]*\]))?`;
const SQUEUE_LINE = new RegExp(String.raw`^\s*${JOB_ID}\|([A-Z_]+)\|(.*?)\s*$`);
const SACCT_LINE = new RegExp(String.raw`^\s*${JOB_ID}\|(([A-Z_]+)(?: by \d+)?)\|(\S*)\s*$`);

/**
 * `squeue --noheader --array --format='%i|%T|%r'`: one `ID|STATE|REASON` line per job or array
 * element. Lines that are not such (warnings, `CLUSTER: name` headers) are skipped. A folded
 * `ID_[2-4%1]` (should --array be lost, e.g. by a wrapper) is expanded.
 */
export function parseSqueueOutput(stdout: string): Map<string, JobStatus> {
  const statuses = new Map<string, JobStatus>();
  for (const line of stdout.split('\n')) {
    const m = SQUEUE_LINE.exec(line);
    if (!m) continue;
    const [, id, het, task, state, reason] = m;
    setStatuses(statuses, id!, het, task, slurmState(state!, reason!));
  }
  return statuses;
}

/**
 * Records one line's status under every id it stands for. A heterogeneous job is tracked under
 * the id sbatch printed, `ID`: its component 0 (`ID+0`) runs the batch script, so that one's
 * state is the job's; the other components only stand in while component 0 is not shown.
 */
function setStatuses(statuses: Map<string, JobStatus>, id: string, het: string | undefined, task: string | undefined, status: JobStatus): void {
  if (het !== undefined && Number(het) > 0 && statuses.has(id)) return;
  for (const key of expandSlurmIds(id, task)) statuses.set(key, status);
}

/**
 * `sacct --noheader --parsable2 -X --format=JobID,State,ExitCode`: `ID|STATE|EXIT:SIGNAL`, with
 * `ID_TASK` for array elements and `CANCELLED by UID` for cancelled jobs. A requeued job may have
 * several rows (with -D, or after a state purge); the last one is its latest run.
 */
export function parseSacctOutput(stdout: string): Map<string, JobStatus> {
  const statuses = new Map<string, JobStatus>();
  for (const line of stdout.split('\n')) {
    const m = SACCT_LINE.exec(line);
    if (!m) continue; // step lines (`ID.batch`), warnings
    const [, id, het, task, stateText, state, exitCode] = m;
    const status = slurmState(state!, '');
    status.native = stateText!;
    if (exitCode && exitCode !== '0:0') {
      status.native = `${stateText} (ExitCode ${exitCode})`;
      if (state === 'FAILED' && !status.reason) status.reason = describeExitCode(exitCode);
    }
    setStatuses(statuses, id!, het, task, status);
  }
  return statuses;
}

/** `1:0` → 'exit status 1'; `0:9` → 'killed by signal 9'. */
function describeExitCode(exitCode: string): string | undefined {
  const [code, signal] = exitCode.split(':').map(Number);
  if (signal) return `killed by signal ${signal}`;
  if (code) return `exit status ${code}`;
  return undefined;
}

/** `12`, undefined → ['12']; `12`, '3' → ['12_3']; `12`, '[1-3,7%2]' → ['12_1', '12_2', '12_3', '12_7']. */
export function expandSlurmIds(id: string, task: string | undefined): string[] {
  if (task === undefined) return [id];
  if (!task.startsWith('[')) return [`${id}_${task}`];
  const body = task.slice(1, -1).split('%')[0]!;
  return expandLenientIndexList(body).map((t) => `${id}_${t}`);
}

/**
 * Pending reasons after which the job will not start until someone changes it or the cluster,
 * with what to change. `fatal` where a resubmission of the same request would wait the same way:
 * the chunk tracker then cancels the job and fails its chunk at once; the others are resubmitted
 * (up to maxResubmissions).
 */
const NEVER_STARTS = new Map<string, { reason: string; fatal?: true }>(Object.entries({
  'launch failed requeued held': { reason: 'its launch failed and Slurm held it (a node or prolog problem)' },
  JobHoldMaxRequeue: { reason: 'requeued MaxBatchRequeue times, now held' },
  BadConstraints: { reason: 'no node meets its constraints: check submitArgs', fatal: true },
  DependencyNeverSatisfied: { reason: 'a job it depends on ended the wrong way: check submitArgs', fatal: true },
  PartitionConfig: { reason: 'asks for more than the partition has: lower resources.cpus/memory or change resources.queue', fatal: true },
  PartitionTimeLimit: { reason: "its time limit is above the partition's: lower resources.walltime or change resources.queue", fatal: true },
  InvalidAccount: { reason: 'the account is not valid here: check resources.account', fatal: true },
  InvalidQOS: { reason: 'the QOS is not valid here: check submitArgs', fatal: true },
  AccountNotAllowed: { reason: 'the account may not use this partition: check resources.account and resources.queue', fatal: true },
  QOSNotAllowed: { reason: 'the QOS may not use this partition: check submitArgs and resources.queue', fatal: true },
}));
/** Per-job limits of an association or QOS (`QOSMaxWallDurationPerJobLimit`, `AssocMaxCpuPerJobLimit`, `QOSMinGRES`). */
const PER_JOB_LIMIT = /^(?:(?:Assoc|QOS)Max\w*PerJob\w*|QOSMin\w+)$/;

const HOLD_REASONS = new Map<string, string>(Object.entries({
  JobHeldUser: 'held by its user (scontrol release releases it)',
  JobHeldAdmin: 'held by an administrator',
  'job requeued in held state': 'requeued and held (scontrol release releases it)', // scontrol requeuehold
}));

/** One Slurm state word and reason → JobStatus (the table at the top of this file). */
export function slurmState(state: string, reason: string): JobStatus {
  const why = reason.trim();
  const native = why && why !== 'None' ? `${state} (${why})` : state;
  switch (state) {
    case 'PENDING': {
      const hold = HOLD_REASONS.get(why);
      if (hold) return { state: 'held', native, reason: hold };
      const never = NEVER_STARTS.get(why) ??
        (PER_JOB_LIMIT.test(why) ? { reason: 'it asks for more than a per-job limit of its account or QOS allows', fatal: true as const } : undefined);
      if (never) return { state: 'error', native, ...never };
      return { state: 'pending', native };
    }
    case 'CONFIGURING': // nodes are being booted or set up for it
    case 'REQUEUED':
    case 'REQUEUE_FED':
    case 'RESIZING':
      return { state: 'pending', native };
    case 'REQUEUE_HOLD':
      return { state: 'held', native, reason: 'requeued and held (scontrol release releases it)' };
    case 'RESV_DEL_HOLD':
      return { state: 'held', native, reason: 'held because its reservation was deleted' };
    case 'SPECIAL_EXIT':
      return { state: 'error', native, reason: 'requeued in the special exit state, held' };
    case 'RUNNING':
    case 'COMPLETING': // ended, processes being cleaned up: the result file is on its way
    case 'SIGNALING':
    case 'STAGE_OUT':
      return { state: 'running', native };
    case 'SUSPENDED':
    case 'STOPPED':
      return { state: 'suspended', native };
    case 'COMPLETED':
      return { state: 'finished', native, outcome: 'success' };
    case 'OUT_OF_MEMORY':
      return {
        state: 'finished', native, outcome: 'failure', fatal: true, limit: 'memory',
        reason: 'ran out of memory: raise resources.memory (Slurm --mem)',
      };
    case 'TIMEOUT':
      return {
        state: 'finished', native, outcome: 'failure', fatal: true, limit: 'walltime',
        reason: 'reached its time limit: raise resources.walltime (Slurm --time)',
      };
    case 'CANCELLED':
      return { state: 'finished', native, outcome: 'failure', reason: 'cancelled outside this map (a user, an admin or a limit)' };
    case 'FAILED':
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
    case 'DEADLINE':
    case 'PREEMPTED':
      return { state: 'finished', native, outcome: 'failure' };
    default:
      return { state: 'stalled', native, reason: `unknown Slurm state ${state}` };
  }
}

/**
 * `sinfo --noheader --format='%P|%a|%C'`: `debug*|up|0/2/0/2` per partition (`*` = the default),
 * CPUs as allocated/idle/other/total. Slots = allocated + idle (usable CPUs; "other" are down or
 * drained) of the named partition, or of the default one, else of the largest partition that is up.
 */
export function parseSinfoCpus(stdout: string, partition?: string): number | undefined {
  let fallback: number | undefined;
  let byDefault: number | undefined;
  for (const line of stdout.split('\n')) {
    const m = /^\s*([^|\s]+?)(\*?)\|(\w+)\|(\d+)\/(\d+)\/(\d+)\/(\d+)\s*$/.exec(line);
    if (!m) continue;
    const usable = Number(m[4]) + Number(m[5]);
    if (partition !== undefined && m[1] === partition) return usable;
    if (m[2] === '*') byDefault = usable;
    if (m[3] === 'up') fallback = Math.max(fallback ?? 0, usable);
  }
  return byDefault ?? fallback;
}

/**
 * `scontrol show config`: `MaxArraySize            = 10001`. Indices run 0..MaxArraySize-1, and
 * this flavor's arrays start at 0: that many elements fit in one array.
 */
export function parseMaxArraySize(stdout: string): number | undefined {
  const m = /^\s*MaxArraySize\s*=\s*(\d+)\s*$/m.exec(stdout);
  return m ? Number(m[1]) : undefined;
}
