/**
 * PBS family: Torque, PBS Professional / OpenPBS, and Slurm's Torque-compatible wrappers
 * (slurm-wlm-torque), all driven through qsub, qstat and qdel. They share the commands but not
 * the dialect:
 *
 *   torque  `-t` arrays, `-l nodes=1:ppn=N,mem=..,walltime=..`, `qstat -f` text blocks, ids
 *           `4711.server`, elements `4711[k].server`, exit status in `exit_status`.
 *   pro     `-J` arrays, `-l select=1:ncpus=N:mem=..`, `qstat -f -F json -x` (history of
 *           finished jobs included), elements `4711[k].server`, `Exit_status` (256+signal).
 *   slurm   Slurm's Perl wrappers: Torque syntax, bare ids (`26`), every end state shown as C
 *           without an exit status, OUT_OF_MEMORY as U. Their qstat lists array elements under
 *           their raw Slurm job ids, which qsub never printed, and their qdel of the array id
 *           kills every element: an element cannot be followed or cancelled on its own, so this
 *           dialect submits one job per chunk (supportsArrays false) and follows each exactly.
 *
 * `detectPbsDialect` tells them apart from `qstat --version`. Parsers are pure; the Torque text
 * parser is tested on verbatim output of Slurm's wrappers, the others on output shaped as the
 * manuals document (test/fixtures/pbs/SOURCES.md).
 */
import { CHUNK_LIST_ALTERNATIVE_SEPARATOR, formatChunkSpec } from '../../protocol/chunk-spec.js';
import { formatHms } from '../../options.js';
import {
  arrayShape,
  assertStatusRan,
  cancelByIds,
  commandsForIds,
  elementIds,
  finishedStatus,
  matchSubmitOutput,
  numberOrUndefined,
  parseJsonDocument,
  queueAccountAndNumbers,
} from '../parse-helpers.js';
import { CommandOutputError } from '../queue.js';
import type { CommandFlavor, CommandLine, CommandResult, JobStatus, SubmitRequest } from '../queue.js';
import type { ResourceLimit } from '../../map/retry-policy.js';
import { parsePbsAccountingOutput } from './accounting.js';

export type PbsDialect = 'torque' | 'pro' | 'slurm';

/**
 * The dialect behind `qstat --version` (stdout and stderr together), or undefined when the
 * output is none of the known ones. PBS Pro / OpenPBS print `pbs_version = 2022.1.1`, Torque
 * `Version: 6.1.2`; Slurm's Perl qstat has no --version and answers `Unknown option: version`
 * and its usage (exit 2; test/fixtures/pbs/slurm-wrapper-qstat-version.txt).
 */
export function detectPbsDialect(versionOutput: string): PbsDialect | undefined {
  if (/^\s*pbs_version\s*=/im.test(versionOutput)) return 'pro';
  if (/Unknown option: version/i.test(versionOutput)) return 'slurm';
  if (/^\s*version:\s*\d/im.test(versionOutput)) return 'torque';
  return undefined;
}

/** What a block of `qstat -f` (text or JSON) says about one job, reduced to what we read. */
export interface PbsJobRecord {
  state: string;
  exitStatus: number | undefined;
  comment: string | undefined;
}

/**
 * Messages that mean "this job has left the queue", not "qstat failed": Torque and PBS Pro
 * print the first for each unknown id (exit 153) and still show the others.
 */
const QSTAT_HARMLESS = /Unknown Job Id|Job has finished/i;
const QDEL_HARMLESS =
  /Unknown Job Id|Job has finished|invalid state for job - COMPLETE|Request invalid for state of job|already (been )?(deleted|completed|finished|in deletion)|being deleted|cancel in progress/i;

export function pbsFlavor(dialect: PbsDialect): CommandFlavor {
  return {
    name: 'pbs',
    supportsArrays: dialect !== 'slurm',
    commandNames: ['qsub', 'qstat', 'qdel'],
    convention: {
      // Torque sets PBS_ARRAYID, PBS Pro PBS_ARRAY_INDEX, Slurm's wrapper (sbatch --array) SLURM_ARRAY_TASK_ID.
      indexExpression: '${PBS_ARRAYID:-${PBS_ARRAY_INDEX:-${SLURM_ARRAY_TASK_ID:-}}}',
      indexBase: 0,
      // PBS_JOBID is `4711[3].server` in an array element: the id the pool tracks.
      jobIdExpression: '${PBS_JOBID:-${SLURM_JOB_ID:-unknown}}',
    },
    // Every dialect's names (run.json says only "pbs"): Torque NAME.oJ (array NAME.oJ-T), PBS Pro
    // NAME.oJ (array NAME.oJ.T), Slurm's qsub wrapper pbs-J.out / pbs-J.err (plain jobs only).
    schedulerLogNames: (j, t) => (t === undefined ? [`.+\\.[oe]${j}`, `pbs-${j}\\.(?:out|err)`] : [`.+\\.[oe]${j}[-.]${t}`]),

    submitCommand(request, command): CommandLine {
      const { count, array } = arrayShape(request); // PBS Pro refuses a one-element -J: a plain job then
      if (dialect === 'slurm' && count > 1) {
        throw new Error(`the pbs flavor's slurm dialect submits one job per chunk (got ${count} chunks)`);
      }
      const args = ['-N', request.jobName, ...logArgs(dialect, request.schedulerLogDir)];
      if (array) {
        const range = `0-${count - 1}`;
        // The slot limit `%N` is Torque's; PBS Pro has it only from OpenPBS 20 / PBS Pro 2020 on
        // (older servers refuse the submit, which the user sees), so it is added only on request.
        const limited = request.throttle === undefined ? range : `${range}%${request.throttle}`;
        args.push(dialect === 'pro' ? '-J' : '-t', limited);
      }
      // One -v (and in Torque syntax one -l) holding ours and the caller's: Slurm's wrapper keeps
      // only the last of each, and dropping QMR_CHUNKS or the resources would go unnoticed.
      let rest = request.submitArgs;
      const variables = takeOption(rest, '-v');
      rest = variables.rest;
      const resources = dialect === 'pro' ? { values: [], rest } : takeOption(rest, '-l');
      rest = resources.rest;
      args.push(...pbsResourceArgs(dialect, request, resources.values));
      args.push(...chunkListArgs(dialect, formatChunkSpec(request.chunks), variables.values));
      args.push(...rest, request.script);
      return { file: command('qsub'), args };
    },

    parseSubmitOutput(result, request) {
      // `4711.server`, `4711[].server` for an array, `26` from Slurm's wrapper; banners may surround it.
      const m = matchSubmitOutput(result.stdout, /^[ \t]*(\d+)(\[\])?(\.\S+)?[ \t]*$/m, 'qsub');
      const [, sequence, brackets, suffix = ''] = m;
      const { count, array } = arrayShape(request);
      if (!array) return [`${sequence}${suffix}`];
      if (!brackets) {
        throw new Error(
          `qsub printed the plain id ${sequence}${suffix} for an array job: this is Slurm's qsub wrapper, whose qstat ` +
            `cannot show array elements. The array job was submitted; remove it with \`qdel ${sequence}\`. ` +
            `Use the pbs flavor's slurm dialect (detectPbsDialect tells it), the slurm flavor, or arrays: false.`,
        );
      }
      return elementIds(count, (k) => `${sequence}[${k}]${suffix}`);
    },

    statusCommands(jobIds, command) {
      return qstatFullCommands(dialect, jobIds, command);
    },

    parseStatusOutput(result, jobIds) {
      assertStatusRan(result, 'qstat', QSTAT_HARMLESS);
      // `Job Id:` blocks are read whatever the dialect (a PBS Pro whose qstat lost -F json prints them).
      const blocks = /^Job Id:/m.test(result.stdout);
      if (!blocks && !(dialect === 'pro' && result.stdout.includes('{')) && result.exitCode === 0 && result.stdout.trim() !== '') {
        // Neither blocks nor JSON (a table, a banner alone): an answer we cannot read. Taken for
        // "none of these jobs", every job would look gone.
        throw new CommandOutputError(`qstat printed no job blocks: ${JSON.stringify(result.stdout.trim().slice(0, 200))}`);
      }
      const records = blocks || dialect !== 'pro' ? qstatTextRecords(result.stdout) : parseQstatJson(result.stdout);
      return statusesForIds(records, jobIds, dialect);
    },

    // The status command shows what PBS still keeps of finished jobs (Torque for keep_completed,
    // PBS Pro from its job history with -x), resources_used included.
    ...(dialect === 'slurm'
      ? {}
      : {
          accountingCommands: (jobIds: readonly string[], command: (name: string) => string) => qstatFullCommands(dialect, jobIds, command),
          parseAccountingOutput: (result: CommandResult) => parsePbsAccountingOutput(result, parseQstatFull),
        }),

    // Slurm's qdel exits 1 without a word for unknown or finished jobs.
    ...cancelByIds('qdel', QDEL_HARMLESS, true),
  };
}

function qstatFullCommands(dialect: PbsDialect, jobIds: readonly string[], command: (name: string) => string): CommandLine[] {
  if (dialect !== 'pro') {
    // Explicit ids, elements included (`4711[3].server` is a job to Torque): one block each.
    return commandsForIds(command('qstat'), ['-f'], jobIds);
  }
  // -x: finished jobs too (job history), so an F with its Exit_status is seen before it
  // ages out. Arrays are asked for by their parent with -t (every subjob), which keeps the
  // command line short for big arrays.
  const wanted = jobIds.map((id) => id.replace(/^(\d+)\[\d+\]/, '$1[]'));
  const subjobs = wanted.some((id) => id.includes('[]')) ? ['-t'] : [];
  return commandsForIds(command('qstat'), ['-f', '-F', 'json', '-x', ...subjobs], wanted);
}

/** Torque syntax; also drives Slurm's wrappers for plain jobs. */
export const pbs: CommandFlavor = pbsFlavor('torque');


function logArgs(dialect: PbsDialect, dir: string): string[] {
  // Torque and PBS Pro name the files themselves inside a directory given with a trailing slash.
  // Slurm's wrapper hands -o/-e to sbatch, which wants file names (%j: the job id).
  if (dialect === 'slurm') return ['-o', `${dir}/pbs-%j.out`, '-e', `${dir}/pbs-%j.err`];
  return ['-o', `${dir}/`, '-e', `${dir}/`];
}

/** Removes `-v VALUE` / `-vVALUE` (or another flag) from the caller's arguments, returning the values. */
export function takeOption(args: readonly string[], flag: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === flag && i + 1 < args.length) values.push(args[++i]!);
    else if (arg.startsWith(flag) && arg.length > flag.length && !arg.startsWith('--')) values.push(arg.slice(flag.length));
    else rest.push(arg);
  }
  return { values, rest };
}

function pbsResourceArgs(dialect: PbsDialect, request: SubmitRequest, callerLists: readonly string[]): string[] {
  const { cpus, memoryMb, walltimeSeconds, args } = queueAccountAndNumbers(request.resources, '-A');
  const walltime = walltimeSeconds === undefined ? undefined : `walltime=${formatHms(walltimeSeconds)}`;
  const mem = memoryMb === undefined ? undefined : `mem=${memoryMb}mb`;
  if (dialect === 'pro') {
    if (cpus !== undefined || mem !== undefined) {
      args.push('-l', ['select=1', cpus === undefined ? undefined : `ncpus=${cpus}`, mem].filter(Boolean).join(':'));
    }
    if (walltime) args.push('-l', walltime);
  } else {
    // One -l for everything: Slurm's wrapper keeps only the last -l it is given.
    // The caller's own -l items come last, so that theirs win where both name a resource.
    const list = [cpus === undefined ? undefined : `nodes=1:ppn=${cpus}`, mem, walltime, ...callerLists].filter(Boolean);
    if (list.length > 0) args.push('-l', list.join(','));
  }
  return args;
}

/**
 * How job.sh gets its chunk list: in QMR_CHUNKS with -v, since qsub cannot pass script arguments
 * portably. qsub splits -v on commas whatever the quoting (Torque's parse_variable_list, Slurm's
 * wrapper: `-v QMR_CHUNKS=0-3,7` arrived as `0-3`), so the list is written with `+` between its
 * parts, which job.sh reads as well as commas.
 */
function chunkListArgs(_dialect: PbsDialect, list: string, callerVariables: readonly string[]): string[] {
  return ['-v', [...callerVariables, `QMR_CHUNKS=${list.replace(/,/g, CHUNK_LIST_ALTERNATIVE_SEPARATOR)}`].join(',')];
}

/**
 * `qstat -f` text (Torque, Slurm's wrapper): a `Job Id: ID` line, then `name = value` lines,
 * indented (four spaces in Torque, a tab in Slurm's wrapper); Torque wraps long values onto
 * continuation lines that start with a tab. The first attribute line of a block sets its indent;
 * any other indented line continues the previous value. Lines outside blocks are noise.
 */
export function parseQstatFull(text: string): Map<string, Record<string, string>> {
  const jobs = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  let indent: string | undefined;
  let last: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const head = /^Job Id:\s*(\S+)/.exec(line);
    if (head) {
      current = {};
      jobs.set(head[1]!, current);
      indent = undefined;
      last = undefined;
      continue;
    }
    const lead = /^[ \t]*/.exec(line)![0];
    if (!current || line.trim() === '' || lead === '') continue;
    indent ??= lead;
    const attribute = lead === indent ? /^([\w.]+) =(?: (.*))?$/.exec(line.slice(lead.length)) : null;
    if (attribute) {
      last = attribute[1]!;
      current[last] = attribute[2] ?? '';
    } else if (last !== undefined) {
      current[last] += line.replace(/^\t|^[ \t]+/, '');
    }
  }
  return jobs;
}

function qstatTextRecords(text: string): Map<string, PbsJobRecord> {
  const records = new Map<string, PbsJobRecord>();
  for (const [id, attributes] of parseQstatFull(text)) {
    records.set(id, {
      state: (attributes.job_state ?? '').trim(),
      exitStatus: numberOrUndefined(attributes.exit_status ?? attributes.Exit_status),
      comment: attributes.comment,
    });
  }
  return records;
}

/**
 * `qstat -f -F json` (PBS Pro): `{"timestamp":..,"Jobs":{"4711.server":{"job_state":"R",..}}}`,
 * no `Jobs` key when nothing matched. PBS has printed invalid JSON from environment values
 * (openpbs #2049, #830, #1255) and we cannot ask it to leave Variable_List out: when the whole
 * does not parse, each job's own few attributes are read by pattern instead.
 */
export function parseQstatJson(text: string): Map<string, PbsJobRecord> {
  let doc: unknown;
  try {
    doc = parseJsonDocument(text, '{', 'qstat -F json');
  } catch (error) {
    if (error instanceof CommandOutputError) return scanBrokenQstatJson(text);
    throw error;
  }
  const records = new Map<string, PbsJobRecord>();
  const jobs = (doc as { Jobs?: unknown } | undefined)?.Jobs;
  if (!jobs || typeof jobs !== 'object') return records;
  for (const [id, job] of Object.entries(jobs as Record<string, Record<string, unknown>>)) {
    if (!job || typeof job !== 'object') continue;
    records.set(id, {
      state: String(job.job_state ?? '').trim(),
      exitStatus: numberOrUndefined(job.Exit_status),
      comment: typeof job.comment === 'string' ? job.comment : undefined,
    });
  }
  return records;
}

const JSON_JOB_KEY = /"(\d+(?:\[\d*\])?(?:\.[^"\s]*)?)"\s*:\s*\{/g;

function scanBrokenQstatJson(text: string): Map<string, PbsJobRecord> {
  const keys = [...text.matchAll(JSON_JOB_KEY)];
  if (keys.length === 0 && /"Jobs"\s*:/.test(text)) {
    throw new CommandOutputError('qstat -F json printed malformed JSON with no job in it');
  }
  const records = new Map<string, PbsJobRecord>();
  keys.forEach((key, i) => {
    const body = text.slice(key.index + key[0].length, keys[i + 1]?.index ?? text.length);
    const state = /"job_state"\s*:\s*"(\w+)"/.exec(body)?.[1];
    if (!state) return;
    records.set(key[1]!, {
      state,
      exitStatus: numberOrUndefined(/"Exit_status"\s*:\s*"?(-?\d+)/.exec(body)?.[1]),
      comment: brokenJsonString(/"comment"\s*:\s*"(.*)"\s*,?\s*$/m.exec(body)?.[1]),
    });
  });
  return records;
}

/**
 * A string value of broken JSON, taken to the end of its line (qstat prints one attribute a line,
 * and the value may hold unescaped quotes): unescaped where it is valid JSON, else as printed.
 */
function brokenJsonString(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** `4711[3].server` → `4711[3]`: the part of an id every PBS prints the same way. */
function idCore(id: string): string {
  return /^\d+(?:\[\d*\])?/.exec(id)?.[0] ?? id;
}

/**
 * Statuses keyed by the ids the pool tracks. qstat prints the id its server keeps, which may
 * carry a longer server name than qsub printed; ids are matched on their number and index.
 */
function statusesForIds(records: Map<string, PbsJobRecord>, jobIds: readonly string[], dialect: PbsDialect): Map<string, JobStatus> {
  const exact = new Set(jobIds);
  const tracked = new Map<string, string>();
  for (const id of jobIds) tracked.set(idCore(id), id);
  const statuses = new Map<string, JobStatus>();
  for (const [shownId, record] of records) {
    const id = exact.has(shownId) ? shownId : tracked.get(idCore(shownId));
    if (id === undefined || !record.state) continue;
    statuses.set(id, pbsState(dialect, record.state, record.exitStatus, record.comment));
  }
  return statuses;
}

/**
 * Exit statuses the same job would meet again. PBS Pro: -24..-29 (JOB_EXEC_KILL_NCPUS_BURST,
 * _NCPUS_SUM, _VMEM, _MEM, _CPUT, _WALLTIME). Torque 6: -10 memory, -11 walltime, -12 CPU time.
 */
const FATAL_EXIT: Record<PbsDialect, ReadonlySet<number>> = {
  pro: new Set([-24, -25, -26, -27, -28, -29]),
  torque: new Set([-10, -11, -12]),
  slurm: new Set(),
};

/** Which request those exit codes mean the job ran past (Torque JOB_EXEC_OVERLIMIT_*, PBS Pro JOB_EXEC_KILL_*). */
const LIMIT_EXIT: Record<PbsDialect, ReadonlyMap<number, ResourceLimit>> = {
  pro: new Map([[-26, 'memory'], [-27, 'memory'], [-29, 'walltime']]),
  torque: new Map([[-10, 'memory'], [-11, 'walltime']]),
  slurm: new Map(),
};

function withLimit(status: JobStatus, limit: ResourceLimit | undefined): JobStatus {
  return limit && status.fatal ? { ...status, limit } : status;
}

/**
 * A PBS state letter as a JobStatus. The same letter differs by dialect: U is "suspended for
 * keyboard activity" in PBS Pro, but Slurm's wrapper prints U for OUT_OF_MEMORY (and DEADLINE),
 * a failure the same job meets again; Torque has no U, and the only Torque-syntax front end that
 * prints one is Slurm's, so the torque dialect reads it the same way. M (moved to another server,
 * PBS Pro) should not last: stalled, so a job that stays there is replaced after stalledTimeout.
 */
export function pbsState(dialect: PbsDialect, code: string, exitStatus?: number, comment?: string): JobStatus {
  const note = comment ? { reason: comment } : {};
  switch (code) {
    case 'Q':
      return { state: 'pending', native: code };
    case 'W':
      return { state: 'pending', native: code, reason: comment ?? 'waiting for its start time' };
    case 'T':
      return { state: 'pending', native: code, reason: 'being moved' };
    case 'H':
      return { state: 'held', native: code, ...note };
    case 'R':
    case 'B':
      return { state: 'running', native: code };
    case 'E':
      return { state: 'running', native: code, reason: 'exiting' };
    case 'S':
      return { state: 'suspended', native: code };
    case 'U':
      if (dialect === 'pro') return { state: 'suspended', native: code, reason: 'suspended for keyboard activity' };
      return { state: 'finished', native: code, outcome: 'failure', fatal: true, reason: 'OUT_OF_MEMORY (or DEADLINE) per Slurm' };
    case 'M':
      return { state: 'stalled', native: code, reason: 'moved to another server' };
    case 'C':
    case 'F':
    case 'X':
      return withLimit(finishedStatus(code, exitStatus, exitStatus !== undefined && FATAL_EXIT[dialect].has(exitStatus)), exitStatus === undefined ? undefined : LIMIT_EXIT[dialect].get(exitStatus));
    default:
      return { state: 'stalled', native: code, reason: 'state unknown to this flavor' };
  }
}

