/**
 * IBM Spectrum LSF: bsub with job.sh as the command, one `bjobs -o ... -json -a` per poll for
 * the arrays and jobs of the map, bkill. Parsers are pure and tested on output shaped as IBM's
 * LSF 10.1 documentation shows it (test/fixtures/lsf/SOURCES.md).
 *
 * Units: LSF reads -M and rusage[mem] in LSF_UNIT_FOR_LIMITS, a site setting (KB by default,
 * MB on most installations). -M is given with an explicit MB suffix, which LSF 10.1 accepts
 * whatever that setting; rusage[mem] is a number taken to be MB, as on most sites.
 */
import { formatChunkSpec } from '../../protocol/chunk-spec.js';
import { bjobsAccountingCommands, parseBjobsAccountingOutput } from './accounting.js';
import type { CommandFlavor, CommandLine, JobStatus, SubmitRequest } from '../queue.js';
import { CommandOutputError } from '../queue.js';
import {
  arrayShape,
  assertStatusRan,
  cancelByIds,
  commandsForIds,
  elementIds,
  finishedStatus,
  matchSubmitOutput,
  messageLines,
  numberOrUndefined,
  parseJsonDocument,
  queueAccountAndNumbers,
} from '../parse-helpers.js';

/** LSF's default MAX_JOB_ARRAY_SIZE (lsb.params), used when bparams does not show it. */
const DEFAULT_MAX_ARRAY_SIZE = 1000;

/** The fields asked of bjobs. Records for ids LSF no longer knows carry ERROR instead. */
export const BJOBS_FIELDS = 'jobid jobindex stat exit_code exit_reason pend_reason';

const BJOBS_HARMLESS = /is not found|No (unfinished |matching )?job(s)? found/i;
const BKILL_HARMLESS = /is being terminated|is being signaled|has already finished|No matching job found|is not found|Operation is in progress/i;

export const lsf: CommandFlavor = {
  name: 'lsf',
  supportsArrays: true,
  commandNames: ['bsub', 'bjobs', 'bkill', 'bparams'],
  convention: {
    // LSB_JOBINDEX is 0 in a job that is not an array: strip that 0 so job.sh sees no index.
    indexExpression: '${LSB_JOBINDEX#0}',
    indexBase: 1,
    jobIdExpression: '${LSB_JOBID:-unknown}${LSB_JOBINDEX:+[$LSB_JOBINDEX]}',
    // LSF sets LSB_JOBINDEX to 0 in a job that is not an array.
    jobIdSuffixOfPlainJobs: '[0]',
  },
  // From submitCommand's lsf-%J.out and lsf-%J.%I.out.
  schedulerLogNames: (j, t) => [t === undefined ? `lsf-${j}\\.(?:out|err)` : `lsf-${j}\\.${t}\\.(?:out|err)`],

  submitCommand(request, command): CommandLine {
    const { count, array } = arrayShape(request);
    const dir = request.schedulerLogDir;
    const args: string[] = [];
    if (array) {
      const throttle = request.throttle === undefined ? '' : `%${request.throttle}`;
      // %J is the job id, %I the element's index.
      args.push('-J', `${request.jobName}[1-${count}]${throttle}`, '-o', `${dir}/lsf-%J.%I.out`, '-e', `${dir}/lsf-%J.%I.err`);
    } else {
      args.push('-J', request.jobName, '-o', `${dir}/lsf-%J.out`, '-e', `${dir}/lsf-%J.err`);
    }
    args.push('-cwd', request.workingDir, ...lsfResourceArgs(request));
    args.push(...request.submitArgs, request.script, '--chunks', formatChunkSpec(request.chunks));
    return { file: command('bsub'), args };
  },

  parseSubmitOutput(result, request) {
    // `Job <4711> is submitted to queue <normal>.` (or `to default queue`), maybe among other lines.
    const id = matchSubmitOutput(result.stdout, /Job <(\d+)> is submitted to (?:default )?queue/, 'bsub')[1]!;
    const { count, array } = arrayShape(request);
    return array ? elementIds(count, (k) => `${id}[${k + 1}]`) : [id];
  },

  statusCommands(jobIds, command) {
    // An array's id shows all its elements; -a keeps jobs that finished within CLEAN_PERIOD.
    // JSON rather than a delimited table: reasons are free text, and an id LSF no longer knows
    // comes back as a record with ERROR instead of a line on stderr (LSF 10.1.0.2 and later).
    const arrays = jobIds.map((id) => id.replace(/\[\d+\]$/, ''));
    return commandsForIds(command('bjobs'), ['-o', BJOBS_FIELDS, '-json', '-a'], arrays);
  },

  parseStatusOutput(result) {
    assertStatusRan(result, 'bjobs', BJOBS_HARMLESS);
    const statuses = parseBjobsJson(result.stdout);
    if (statuses.size === 0 && !result.stdout.includes('{')) {
      // Neither JSON nor job lines: fine only if bjobs said nothing but "not found"
      // (LSB_BJOBS_CONSISTENT_EXIT_CODE); anything else is an output we cannot read.
      const stray = messageLines(result).filter((line) => !BJOBS_HARMLESS.test(line));
      if (stray.length > 0) throw new CommandOutputError(`bjobs printed no JSON: ${stray.slice(0, 3).join(' | ')}`);
    }
    return statuses;
  },

  ...cancelByIds('bkill', BKILL_HARMLESS),

  accountingCommands: bjobsAccountingCommands,
  parseAccountingOutput: parseBjobsAccountingOutput,

  infoCommands(command) {
    return [{ file: command('bparams'), args: ['-a'] }];
  },

  parseInfoOutputs([result]) {
    if (!result || result.exitCode !== 0) return {};
    const m = /MAX_JOB_ARRAY_SIZE\s*=\s*(\d+)/.exec(result.stdout);
    return { maxArraySize: m ? Number(m[1]) : DEFAULT_MAX_ARRAY_SIZE };
  },
};


function lsfResourceArgs(request: SubmitRequest): string[] {
  const { cpus, memoryMb, walltimeSeconds, args } = queueAccountAndNumbers(request.resources, '-P');
  if (walltimeSeconds !== undefined) args.push('-W', String(Math.ceil(walltimeSeconds / 60))); // minutes
  const select: string[] = [];
  if (cpus !== undefined && cpus > 1) {
    args.push('-n', String(cpus));
    select.push('span[hosts=1]'); // one process using several cores: all slots on one host
  }
  if (memoryMb !== undefined) {
    args.push('-M', `${memoryMb}MB`);
    // rusage[mem] is reserved per slot: the job's memory divided among its slots.
    select.unshift(`rusage[mem=${Math.ceil(memoryMb / (cpus ?? 1))}]`);
  }
  if (select.length > 0) args.push('-R', select.join(' '));
  return args;
}

interface BjobsRecord {
  JOBID?: string;
  JOBINDEX?: string;
  STAT?: string;
  EXIT_CODE?: string;
  EXIT_REASON?: string;
  PEND_REASON?: string;
  ERROR?: string;
}

/**
 * `bjobs -o "..." -json`: `{"COMMAND":"bjobs","JOBS":N,"RECORDS":[{"JOBID":"4711","JOBINDEX":"3",
 * "STAT":"RUN",...}]}`, every value a string, empty when unset. Array elements share JOBID and
 * differ in JOBINDEX (0 for plain jobs); with LSB_BJOBS_DISPLAY_ENH JOBID is `4711[3]` already.
 * Statuses are keyed `4711` or `4711[3]`, as bsub's ids were.
 */
export function parseBjobsJson(text: string): Map<string, JobStatus> {
  const statuses = new Map<string, JobStatus>();
  const doc = parseJsonDocument(text, '{', 'bjobs -json') as { RECORDS?: unknown } | undefined;
  // No JSON: the job lines of the same fields as text, else ("No unfinished job found") nothing.
  if (doc === undefined) return parseBjobsTable(text);
  if (!Array.isArray(doc.RECORDS)) throw new CommandOutputError('bjobs -json printed no RECORDS');
  for (const record of doc.RECORDS as BjobsRecord[]) {
    if (!record || record.ERROR || !record.JOBID || !record.STAT) continue; // unknown id: gone
    statuses.set(bjobsKey(record.JOBID, record.JOBINDEX), lsfState(record));
  }
  return statuses;
}

/** `4711` and index 3 → `4711[3]`; a plain job (index 0 or none), or a JOBID that already shows the index, as is. */
function bjobsKey(jobId: string, jobIndex: string | undefined): string {
  const index = (jobIndex ?? '').trim();
  return jobId.includes('[') || index === '' || index === '0' ? jobId : `${jobId}[${index}]`;
}

/**
 * The same fields as a text table (`bjobs -o "..." -noheader`, what a bjobs without -json support
 * or a wrapper that drops it prints): one line per job or element, fields separated by spaces (or
 * the `delimiter='^'` of the -o string), `-` for empty ones. Only JOBID, JOBINDEX, STAT and
 * EXIT_CODE are read: the reasons that follow are free text with spaces of their own. A line
 * that does not start with an id, an index and a STAT word (a header, a message) is skipped.
 */
function parseBjobsTable(text: string): Map<string, JobStatus> {
  const statuses = new Map<string, JobStatus>();
  for (const line of text.split('\n')) {
    const [jobId = '', index = '', stat = '', exitCode] = line.trim().split(/[\s^]+/);
    if (!/^\d+(?:\[\d+\])?$/.test(jobId) || !/^\d+$/.test(index) || !/^[A-Z_]+$/.test(stat)) continue;
    statuses.set(bjobsKey(jobId, index), lsfState({ STAT: stat, EXIT_CODE: exitCode }));
  }
  return statuses;
}

/** Exit reasons the same job would meet again: its run, memory or CPU-time limit. */
const FATAL_EXIT_REASON = /TERM_(RUNLIMIT|MEMLIMIT|CPULIMIT)|run ?time limit|memory (usage )?limit|CPU (usage |time )?limit/i;

/** LSF's STAT as a JobStatus (states from IBM's "About job states"; table in test/fixtures/lsf/SOURCES.md). */
export function lsfState(record: Pick<BjobsRecord, 'STAT' | 'EXIT_CODE' | 'EXIT_REASON' | 'PEND_REASON'>): JobStatus {
  const stat = (record.STAT ?? '').trim();
  const pendReason = record.PEND_REASON?.trim() || undefined;
  const exitReason = record.EXIT_REASON?.trim() || undefined;
  switch (stat) {
    case 'PEND':
    case 'PROV':
    case 'WAIT':
      return { state: 'pending', native: stat, ...(pendReason ? { reason: pendReason } : {}) };
    case 'PSUSP':
      return { state: 'held', native: stat, reason: pendReason ?? 'suspended while pending (by its owner or an admin)' };
    case 'RUN':
      return { state: 'running', native: stat };
    case 'USUSP':
    case 'SSUSP':
      return { state: 'suspended', native: stat };
    case 'DONE':
    case 'POST_DONE':
      return { state: 'finished', native: stat, outcome: 'success' };
    case 'EXIT': {
      // A failure whatever EXIT_CODE says (it is empty for a job killed before it exited).
      const status = finishedStatus(stat, numberOrUndefined(record.EXIT_CODE), false, exitReason);
      const limit = /TERM_MEMLIMIT|memory (usage )?limit/i.test(exitReason ?? '') ? 'memory' : /TERM_RUNLIMIT|run ?time limit/i.test(exitReason ?? '') ? 'walltime' : undefined;
      return { ...status, outcome: 'failure', ...(FATAL_EXIT_REASON.test(exitReason ?? '') ? { fatal: true } : {}), ...(limit ? { limit } as const : {}) };
    }
    case 'POST_ERR':
      // The job ended; its post-execution processing failed. The result file tells how the job did.
      return { state: 'finished', native: stat, reason: 'post-execution processing failed' };
    case 'UNKWN':
      return { state: 'stalled', native: stat, reason: 'mbatchd lost contact with the execution host' };
    case 'ZOMBI':
      return { state: 'error', native: stat, reason: 'killed or requeued while its host was unreachable' };
    default:
      return { state: 'stalled', native: stat || '?', reason: 'state unknown to this flavor' };
  }
}

