/**
 * HTCondor: `condor_submit -terse -` with the submit description on stdin (one cluster per
 * array, `queue N`), one `condor_q -json` per poll for the map's clusters, `condor_history` for
 * jobs that have left the queue, condor_rm. Parsers are pure and tested on output shaped as the
 * HTCondor manual shows it (test/fixtures/htcondor/SOURCES.md).
 *
 * By default the pool assumes a shared file system, as on the other schedulers: nothing is
 * transferred (should_transfer_files = NO), and job.sh, the work dir and workingDir must be
 * visible on the execute nodes under the same paths. With the fileTransfer option each job
 * carries its files through HTCondor's file transfer instead (transferDescription below). job.sh
 * restores the caller's environment itself, so getenv = false (which many pools require anyway).
 */
import { formatChunkSpec } from '../../protocol/chunk-spec.js';
import { condorAccountingCommands, parseCondorAccountingOutput } from './accounting.js';
import type { CommandFlavor, CommandLine, JobStatus, SubmitRequest } from '../queue.js';
import { CommandOutputError, HistoryUnavailableError } from '../queue.js';
import {
  assertStatusRan,
  cancelByIds,
  commandsForIds,
  elementIds,
  finishedStatus,
  matchSubmitOutput,
  parseJsonDocument,
  resourceNumbers,
} from '../parse-helpers.js';
import { splitIntoBatches } from '../batches.js';
import { TRANSFER_MODULE_DIR, TRANSFER_OUT_DIR, TRANSFER_WORKER_DIR } from '../../protocol/job-script.js';
import { chunkBaseName } from '../../protocol/work-dir-layout.js';

/** The job attributes read from condor_q and condor_history. */
export const CONDOR_ATTRIBUTES = 'ClusterId,ProcId,JobStatus,HoldReason,HoldReasonCode,ExitCode,ExitBySignal,RemoveReason';

const CONDOR_RM_HARMLESS =
  /marked for removal|^Job \d+\.\d+ removed|Couldn't find\/remove all jobs|not found|does not exist|already (been )?(removed|marked|completed)|nonexistent/i;

export const htcondor: CommandFlavor = {
  name: 'htcondor',
  supportsArrays: true,
  commandNames: ['condor_submit', 'condor_q', 'condor_history', 'condor_rm'],
  convention: {
    // The index comes as `--index $(Process)` on job.sh's command line.
    indexExpression: '',
    indexBase: 0,
    // Set per job by the submit description's environment line: `CLUSTER.PROC`, the tracked id.
    jobIdExpression: '${QMR_JOB_ID:-unknown}',
  },
  // Every HTCondor id has a process number (a single job is J.0); the event log is the cluster's.
  schedulerLogNames: (j, t) => [t === undefined ? `condor-${j}\\.\\d+\\.(?:out|err)` : `condor-${j}\\.${t}\\.(?:out|err)`, `condor-${j}\\.log`],
  // HTCondor's throttle (max_materialize) keeps jobs out of the queue until their turn, so
  // condor_q cannot list them and they would look vanished and be submitted again.
  maxRunningRefusal: 'left out on the htcondor flavor (use numChunks for fewer jobs at once)',

  submitCommand(request, command): CommandLine {
    return { file: command('condor_submit'), args: ['-terse', ...request.submitArgs, '-'], input: submitDescription(request) };
  },

  parseSubmitOutput(result, request) {
    // -terse: `4711.0 - 4711.9`, the first and last job, one line per cluster made.
    const ranges = [...result.stdout.matchAll(/^\s*(\d+)\.(\d+)\s*-\s*(\d+)\.(\d+)\s*$/gm)];
    const clusters = [...new Set(ranges.flatMap((r) => [r[1]!, r[3]!]))];
    const count = request.chunks.length;
    if (clusters.length > 1) {
      // Each cluster numbers its jobs from 0 again, so $(Process) would not tell the chunk: refuse.
      throw new Error(
        `condor_submit made ${clusters.length} clusters (${ranges.map((r) => r[0].trim()).join(', ')}) for one array of ` +
          `${count} chunks (a queue statement in submitArgs?). Remove them with \`condor_rm ${clusters.join(' ')}\`.`,
      );
    }
    let cluster: string, first: number, last: number;
    if (ranges[0]) {
      [cluster, first, last] = [ranges[0][1]!, Number(ranges[0][2]), Number(ranges.at(-1)![4])];
    } else {
      // Without -terse (a wrapper may drop it): `N job(s) submitted to cluster C.`, jobs C.0 to C.N-1.
      const m = matchSubmitOutput(result.stdout, /(\d+) job\(s\) submitted to cluster (\d+)\./, 'condor_submit -terse');
      [cluster, first, last] = [m[2]!, 0, Number(m[1]) - 1];
    }
    if (last - first + 1 !== count) throw new Error(`condor_submit made jobs ${cluster}.${first} - ${cluster}.${last} for ${count} chunks`);
    return elementIds(count, (k) => `${cluster}.${first + k}`);
  },

  statusCommands(jobIds, command) {
    // Asking by cluster lists every job of each array; an id that matches nothing prints nothing.
    return commandsForIds(command('condor_q'), ['-json', '-attributes', CONDOR_ATTRIBUTES], jobIds.map(clusterOf));
  },

  parseStatusOutput(result) {
    assertStatusRan(result, 'condor_q', /^$/);
    return parseCondorJson(result.stdout, 'condor_q -json');
  },

  historyCommands(jobIds, command) {
    // condor_history reads a file from the newest end: with the exact ids in the constraint,
    // -match stops the scan as soon as all of them are found.
    return splitIntoBatches(jobIds).map((ids) => ({
      file: command('condor_history'),
      args: ['-json', '-attributes', CONDOR_ATTRIBUTES, '-match', String(ids.length), '-constraint', historyConstraint(ids)],
    }));
  },

  parseHistoryOutput(result) {
    if (result.exitCode !== 0 && HISTORY_OFF.test(`${result.stderr}\n${result.stdout}`)) {
      throw new HistoryUnavailableError(`condor_history: ${result.stderr.trim() || result.stdout.trim()}`);
    }
    assertStatusRan(result, 'condor_history', /^$/);
    // History lags behind the queue: a job that is in neither is not lost, the grace period decides.
    return parseCondorJson(result.stdout, 'condor_history -json');
  },

  accountingCommands: (jobIds, command) => condorAccountingCommands(jobIds, command, historyConstraint),
  parseAccountingOutput: parseCondorAccountingOutput,

  ...cancelByIds('condor_rm', CONDOR_RM_HARMLESS),
};

const HISTORY_OFF = /history file|no history|HISTORY.*(not|un)defined|history is disabled/i;

function clusterOf(id: string): string {
  return id.split('.')[0]!;
}

/** `ClusterId == 4711 && (ProcId == 0 || ProcId == 3) || ClusterId == 4712 && ...` */
export function historyConstraint(jobIds: readonly string[]): string {
  const byCluster = new Map<string, string[]>();
  for (const id of jobIds) {
    const [cluster, proc = '0'] = id.split('.');
    byCluster.set(cluster!, [...(byCluster.get(cluster!) ?? []), proc]);
  }
  return [...byCluster]
    .map(([cluster, procs]) => `(ClusterId == ${cluster} && (${procs.map((p) => `ProcId == ${p}`).join(' || ')}))`)
    .join(' || ');
}

/**
 * A value for the submit description. Its `$(...)` are macros and a line break ends the
 * command, so a literal `$` is written as `$(DOLLAR)` and a newline is refused.
 */
export function submitValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`a line break cannot go into an HTCondor submit description: ${JSON.stringify(value)}`);
  return value.replace(/\$/g, '$$(DOLLAR)');
}

/**
 * Arguments in HTCondor's "new" syntax: the whole in double quotes, each argument in single
 * quotes (so spaces stay inside it), a single quote inside an argument doubled, a double quote
 * doubled (condor_submit manual, `arguments`). Macros like `$(Process)` are left to expand.
 */
export function condorArguments(args: readonly (string | { macro: string })[]): string {
  const words = args.map((arg) =>
    typeof arg === 'string' ? `'${submitValue(arg).replace(/'/g, "''").replace(/"/g, '""')}'` : arg.macro,
  );
  return `"${words.join(' ')}"`;
}

/** A ClassAd string literal for `+Attribute = ...` / `environment`-free string values. */
function classAdString(value: string): string {
  return `"${submitValue(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The submit description. Choices worth knowing:
 *  - executable /bin/bash with job.sh as its first argument (no need for job.sh to be
 *    executable or transferred), and `--index $(Process)` since HTCondor sets no index variable;
 *  - walltime: `periodic_remove` once the job has run longer than asked (works on every
 *    HTCondor; +MaxRuntime only where the pool's policy reads it). Such a job ends removed with
 *    a RemoveReason naming PeriodicRemove, read back as a failure the same job would meet again;
 *  - memory in MB (request_memory's default unit), account as accounting_group; HTCondor has
 *    no queues, so resources.queue is not used (submitArgs can add `requirements=...`).
 */
export function submitDescription(request: SubmitRequest): string {
  const { cpus, memoryMb, walltimeSeconds } = resourceNumbers(request.resources);
  const dir = submitValue(request.schedulerLogDir);
  const transfer = request.fileTransfer;
  const lines = [
    'universe = vanilla',
    ...(transfer
      ? transferLines(request, transfer)
      : [
          'executable = /bin/bash',
          'transfer_executable = false',
          `arguments = ${condorArguments([request.script, '--chunks', formatChunkSpec(request.chunks), '--index', { macro: '$(Process)' }])}`,
          JOB_ID_ENVIRONMENT,
          `initialdir = ${submitValue(request.workingDir)}`,
        ]),
    `output = ${dir}/condor-$(Cluster).$(Process).out`,
    `error = ${dir}/condor-$(Cluster).$(Process).err`,
    `log = ${dir}/condor-$(Cluster).log`,
    'getenv = false',
    ...(transfer ? [] : ['should_transfer_files = NO']),
    `batch_name = ${classAdString(request.jobName)}`,
  ];
  if (cpus !== undefined) lines.push(`request_cpus = ${cpus}`);
  if (memoryMb !== undefined) lines.push(`request_memory = ${memoryMb}`);
  if (walltimeSeconds !== undefined) {
    lines.push(`periodic_remove = (JobStatus == 2) && (time() - JobCurrentStartDate > ${walltimeSeconds})`);
  }
  if (request.resources.account) lines.push(`accounting_group = ${submitValue(request.resources.account)}`);
  if (transfer) {
    // One item per job, in chunk order (so $(Process) still picks the chunk from --chunks): its
    // file names, for the per-job lines of transferLines.
    // and its kept result, if any (rerunFailed; an empty field otherwise).
    const items = request.chunks.map((c) => `${chunkBaseName(c)}, ${submitValue(transfer.keptResults.get(c) ?? '')}`.trimEnd());
    lines.push(`queue ${TRANSFER_CHUNK_MACRO}, ${TRANSFER_KEPT_MACRO} from (`, ...items, ')');
  } else {
    lines.push(`queue ${request.chunks.length}`);
  }
  return `${lines.join('\n')}\n`;
}

/** job.sh's QMR_JOB_ID: `CLUSTER.PROC`, the id the pool tracks. */
const JOB_ID_ENVIRONMENT = 'environment = "QMR_JOB_ID=$(Cluster).$(Process)"';

/** The queue variable holding each job's chunk file base name (`chunk-000007`). */
const TRANSFER_CHUNK_MACRO = 'qmr_chunk';
/** The queue variable holding the job's kept result to send along (rerunFailed), or nothing. */
const TRANSFER_KEPT_MACRO = 'qmr_kept';

/**
 * The submit commands of HTCondor's file transfer (condor_submit manual: should_transfer_files,
 * when_to_transfer_output, transfer_input_files, transfer_output_files, transfer_output_remaps):
 *  - should_transfer_files = YES: always transfer, so the job may match any execute machine (NO
 *    restricts it to the submit machine's FILESYSTEM_DOMAIN: on a pool without one shared, Idle
 *    forever);
 *  - executable = job.sh, transferred (transfer_executable defaults to true) and started in the
 *    job's scratch folder, which holds only the transferred files;
 *  - initialdir = the work dir: relative input paths and output destinations are taken from it
 *    on the submit side (so no path of the work dir, with its possible spaces or commas, is
 *    written into a comma- or semicolon-separated list);
 *  - transfer_input_files: function.json, the job's chunk file, the worker program folder
 *    (qmr-worker, no trailing slash: the folder itself), the contents of qmr-module/ (a module
 *    function's file, with the trailing slash: beside job.sh), envScript and the user's files,
 *    and last the chunk's kept result where its failed tasks rerun (rerunFailed);
 *  - transfer_output_files = qmr-out/: with the trailing slash, the folder's contents (the
 *    result and the chunk's logs), whatever of them exist: a worker that died before its result
 *    does not turn into a transfer hold. transfer_output_remaps puts them into results/ and logs/;
 *  - when_to_transfer_output = ON_EXIT: a result is written whole at the end of a chunk, so an
 *    evicted attempt has nothing worth keeping; ON_EXIT_OR_EVICT would spool its partial files
 *    and hand them to the restarted job. A job removed (condor_rm, periodic_remove) sends nothing.
 */
function transferLines(request: SubmitRequest, transfer: NonNullable<SubmitRequest['fileTransfer']>): string[] {
  const chunk = `$(${TRANSFER_CHUNK_MACRO})`;
  // The kept result last: where a job has none, the list ends in an empty entry, which is skipped.
  const inputs = ['function.json', `chunks/${chunk}.tasks`, TRANSFER_WORKER_DIR, `${TRANSFER_MODULE_DIR}/`, ...transfer.inputFiles.map(submitValue), `$(${TRANSFER_KEPT_MACRO})`];
  const remaps = [`${chunk}.result = results/${chunk}.result`, `${chunk}.out = logs/${chunk}.out`, `${chunk}.err = logs/${chunk}.err`];
  return [
    `executable = ${submitValue(request.script)}`,
    'transfer_executable = true',
    `arguments = ${condorArguments(['--chunks', formatChunkSpec(request.chunks), '--index', { macro: '$(Process)' }])}`,
    JOB_ID_ENVIRONMENT,
    `initialdir = ${submitValue(transfer.runDir)}`,
    'should_transfer_files = YES',
    'when_to_transfer_output = ON_EXIT',
    `transfer_input_files = ${inputs.join(', ')}`,
    `transfer_output_files = ${TRANSFER_OUT_DIR}/`,
    `transfer_output_remaps = "${remaps.join('; ')}"`,
  ];
}

interface CondorAd {
  ClusterId?: number;
  ProcId?: number;
  JobStatus?: number;
  HoldReason?: string;
  HoldReasonCode?: number;
  ExitCode?: number;
  ExitBySignal?: boolean;
  RemoveReason?: string;
}

/**
 * `condor_q -json` / `condor_history -json`: a JSON array of ads, printed with a line holding a
 * lone comma between them; EMPTY output (not `[]`) when nothing matches. Also `-jsonl`, one ad
 * per line (condor_history). Statuses keyed `C.P`.
 */
export function parseCondorJson(text: string, what = 'condor_q -json'): Map<string, JobStatus> {
  const statuses = new Map<string, JobStatus>();
  for (const ad of condorAds(text, what)) {
    if (!ad || typeof ad.ClusterId !== 'number' || typeof ad.JobStatus !== 'number') continue;
    statuses.set(`${ad.ClusterId}.${ad.ProcId ?? 0}`, condorState(ad));
  }
  return statuses;
}

/**
 * The ads in the output: none when it is blank (nothing matched). Output that is not blank but
 * holds no JSON (say `-af` lines from a wrapper) is an answer we cannot read, not "no jobs":
 * taken for that, every job would look gone.
 */
function condorAds(text: string, what: string): CondorAd[] {
  if (text.trim() === '') return [];
  // -jsonl: the first line that opens JSON opens an ad, not the array.
  if (/^[ \t]*([[{])/m.exec(text)?.[1] === '{') {
    return text.split('\n').filter((line) => line.trim().startsWith('{')).map((line) => parseJsonDocument(line, '{', what) as CondorAd);
  }
  const ads = parseJsonDocument(text, '[', what);
  if (!Array.isArray(ads)) throw new CommandOutputError(`${what} printed no JSON array: ${JSON.stringify(text.trim().slice(0, 200))}`);
  return ads as CondorAd[];
}

/**
 * Hold codes that are the user's doing, not trouble: 1 condor_hold, 15 submitted on hold,
 * 16 waiting for input to be spooled. Every other hold is the system's: an error.
 */
const USER_HOLDS = new Set([1, 15, 16]);
/** Holds the same job would meet again: 34 memory over its request, 46/47 allowed duration exceeded. */
const FATAL_HOLDS = new Set([34, 46, 47]);
/**
 * File transfer failures (HTCondor's hold codes, condor_holdcodes.h and the manual's hold
 * table): 12 TransferOutputError, 13 TransferInputError, their subcode the errno. Neither the
 * user's doing nor a limit: worded as a transfer failure, resubmitted like other system holds.
 */
const TRANSFER_HOLDS: Readonly<Record<number, string>> = { 12: 'output file transfer failed', 13: 'input file transfer failed' };

/** JobStatus (1 Idle .. 7 Suspended) as a JobStatus; table in test/fixtures/htcondor/SOURCES.md. */
export function condorState(ad: CondorAd): JobStatus {
  const code = ad.JobStatus;
  switch (code) {
    case 1:
      return { state: 'pending', native: 'Idle' };
    case 2:
      return { state: 'running', native: 'Running' };
    case 3: {
      // Removed: by someone (a failure to retry), or by our own walltime policy (fatal).
      const reason = ad.RemoveReason?.trim() || 'removed';
      return { state: 'finished', native: 'Removed', outcome: 'failure', reason, ...(/PeriodicRemove/i.test(reason) ? { fatal: true, limit: 'walltime' } as const : {}) };
    }
    case 4:
      if (ad.ExitBySignal === true) return { state: 'finished', native: 'Completed', outcome: 'failure', reason: 'killed by a signal' };
      return finishedStatus('Completed', ad.ExitCode);
    case 5: {
      const holdCode = ad.HoldReasonCode ?? 0;
      const reason = `${ad.HoldReason?.trim() || 'held'} (HoldReasonCode ${holdCode})`;
      if (USER_HOLDS.has(holdCode)) return { state: 'held', native: 'Held', reason };
      const transfer = TRANSFER_HOLDS[holdCode];
      if (transfer) return { state: 'error', native: 'Held', reason: `${transfer}: ${reason}` };
      const limit = holdCode === 34 ? 'memory' : holdCode === 46 || holdCode === 47 ? 'walltime' : undefined;
      return { state: 'error', native: 'Held', reason, ...(FATAL_HOLDS.has(holdCode) ? { fatal: true } : {}), ...(limit ? { limit } as const : {}) };
    }
    case 6:
      return { state: 'running', native: 'Transferring output' };
    case 7:
      return { state: 'suspended', native: 'Suspended' };
    default:
      return { state: 'stalled', native: `JobStatus ${code}`, reason: 'state unknown to this flavor' };
  }
}

