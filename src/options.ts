/**
 * Pool options: their types (each with its doc comment), their defaults (all in one place), and
 * their validation. Validation runs in `new Pool()`, before anything touches the disk or a queue,
 * and every error names the option, what is allowed and what it got.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { OptionError } from './errors.js';
import { isShellName } from './protocol/job-script.js';
import type { Progress } from './progress/progress.js';
import { resolveRetry, type RetryOption } from './map/retry-policy.js';
import { workerNodeFlags } from './worker-launch/worker-node-flags.js';

import { FLAVORS, type FlavorName } from './queues/flavor-names.js';

export type { FlavorName };

/** What each job asks the scheduler for. Every flavor turns these into its own flags. */
export interface Resources {
  /** Queue (SGE, PBS, LSF) or partition (Slurm). */
  queue?: string;
  /** Memory per job: a number of megabytes, or a string like '500M', '4G'. */
  memory?: number | string;
  /** CPUs (cores) per job. */
  cpus?: number;
  /** Run-time limit: seconds, or 'HH:MM:SS' / 'MM:SS' / 'D-HH:MM:SS'. */
  walltime?: number | string;
  /** Job name; default `qmr-<run id>`. */
  jobName?: string;
  /** Account or project to charge (Slurm --account, SGE -P, PBS -A, LSF -P, HTCondor accounting_group). */
  account?: string;
}

export interface PoolOptions {
  /** Where the jobs run: 'local' (default: child processes here), a scheduler, or 'auto' to detect one. */
  flavor?: FlavorName | 'auto';
  /**
   * This map's folder. Default: a new folder `.qmr/<run id>` under the current directory (on a
   * cluster, the current directory is usually on the shared file system the nodes see).
   */
  workDir?: string;
  /**
   * Elastic workers (default true): one array of worker jobs that claim tasks from the work dir,
   * sized by the time tasks take, until none are left. Used when neither chunkSize nor numChunks
   * is given and arrays are on; false gives static chunks decided before any task runs.
   */
  elastic?: boolean;
  /** Elastic maps: most worker jobs at once. Default 100 (also bounded by the queue's slots and the tasks). */
  maxWorkers?: number;
  /**
   * Elastic maps: milliseconds a worker holding claims may go without touching its heartbeat
   * file before its claims go back to the others and its job is cancelled. Default 180000 (above
   * NFS's attribute cache of up to 60 s).
   */
  leaseTimeout?: number;
  /** Tasks per chunk (one chunk = one job or one array element). Excludes numChunks. */
  chunkSize?: number;
  /** Number of chunks to split the tasks into. Excludes chunkSize. */
  numChunks?: number;
  /** How often a chunk may be resubmitted after its job failed, vanished or was held too long. Default 10. */
  maxResubmissions?: number;
  /**
   * A map run again in a workDir whose tasks failed (they threw, or their chunk was given up):
   * 'same-fn' (default) runs those tasks again when fn is the one that ran them, and refuses a
   * changed fn; 'any-fn' also accepts a changed fn (a fixed bug) for the tasks that failed or never
   * ran, while every success stays as computed; 'never' returns the failures recorded there.
   * Successes are never recomputed. The journal and trace say which fn produced each result.
   */
  rerunFailed?: 'same-fn' | 'any-fn' | 'never';
  /**
   * Retry by cause: after a job ran out of memory or reached its time limit, resubmit it with
   * the request raised (default: doubled, no cap; each counts toward maxResubmissions).
   * `{ outOfMemory: { factor, max }, timeLimit: { factor, max } }`, either one false to give up
   * instead, or a function `({ cause, attempt, resources }) => resources | false`. See retry-policy.ts.
   */
  retry?: RetryOption;
  /** First interval between status polls, in milliseconds. Default 1000; it backs off while nothing changes. */
  pollInterval?: number;
  /** Longest interval between status polls, in milliseconds. Default 30000. */
  maxPollInterval?: number;
  /** 'on-error' (default): keep the work dir when any task failed or any result is missing. */
  keepWorkDir?: 'on-error' | 'always' | 'never';
  /** Extra environment variables for the workers; applied after exportEnv and envScript. */
  env?: Record<string, string>;
  /** Which of this process's variables to restore on the workers: true (all, default), false, or names. */
  exportEnv?: boolean | readonly string[];
  /** A shell script sourced on the worker before fn runs (module loads, conda/venv activation...). */
  envScript?: string;
  /**
   * The Node binary and its flags on the worker, passed as they are. Default: this process's
   * execPath and those of its execArgv a worker needs (see worker-node-flags.ts).
   */
  executable?: string | readonly string[];
  /** Directory the worker changes to before running fn. Default: the current directory. */
  workingDir?: string;
  /** Queue, memory, cpus, walltime, job name and account for every job. */
  resources?: Resources;
  /** Extra native flags for the submit command, passed as they are. */
  submitArgs?: readonly string[];
  /** Paths of the scheduler's commands, e.g. { qsub: '/opt/sge/bin/qsub' }: for tests and odd installs. */
  commands?: Readonly<Record<string, string>>;
  /** Aborting it cancels every job of the map and rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called with the map's counts whenever they change. */
  onProgress?: (progress: Progress) => void;
  /** Local flavor: how many chunks run at once. Default: os.availableParallelism(). */
  concurrency?: number;
  /** Milliseconds a job may be gone from the queue without a result file before it counts as missing. Default 30000. */
  missingGrace?: number;
  /** Milliseconds a job may stay held (by a user or an admin) before it is deleted and resubmitted. Default 60000. */
  heldTimeout?: number;
  /**
   * Milliseconds a job may stay in a state that should pass quickly, or one its flavor does not
   * know (SGE t, d/dt/dr, LSF UNKWN, PBS M, any unlisted state: each flavor's `stalled`), before
   * it is deleted and resubmitted. Default 300000.
   */
  stalledTimeout?: number;
  /** Milliseconds before a scheduler command counts as hung and is killed. Default 60000. */
  commandTimeout?: number;
  /** Consecutive failed status polls after which the map fails. Default 10. */
  maxStatusFailures?: number;
  /** Submit chunks as job arrays where the flavor has them (default true); false: one job per chunk. */
  arrays?: boolean;
  /**
   * Most elements of one job array running at once, to leave room for others on a shared queue
   * (SGE -tc, Slurm/Torque/OpenPBS %N, LSF [..]%N; refused on htcondor, see its maxRunningRefusal).
   * Default: no limit.
   */
  maxRunning?: number;
  /**
   * Most elements per job array. Default: what the scheduler reports (SGE max_aj_tasks, Slurm
   * MaxArraySize, LSF MAX_JOB_ARRAY_SIZE), else 1000. Set it where a site's limit is lower.
   */
  maxArraySize?: number;
  /**
   * On SIGINT/SIGTERM, leave the map's jobs in the queue (to resume the map later with the same
   * workDir or `qmr resume`) instead of cancelling them. Default false.
   */
  keepJobsOnExit?: boolean;
  /** Stop running maps cleanly on SIGINT/SIGTERM (default true); false leaves signals to your program. */
  handleSignals?: boolean;
  /** A progress line on stderr: default when stderr is a terminal; false turns it off. */
  progress?: boolean;
  /**
   * pbs flavor: 'torque', 'pro' (PBS Professional / OpenPBS), 'slurm' (Slurm's PBS wrappers), or
   * 'auto' (default: told from `qstat --version`).
   */
  pbsDialect?: 'auto' | 'torque' | 'pro' | 'slurm';
  /**
   * htcondor flavor, for pools without a file system shared with the execute machines: each job
   * carries what it needs through HTCondor's file transfer (job.sh, the worker, function.json,
   * its chunk's tasks, envScript and `inputFiles`: files and folders, as transfer_input_files),
   * and its result and logs come back into the work dir when it exits. Static chunks only
   * (elastic workers claim from a shared folder). `true`, or `{ inputFiles: [...] }`. Default false.
   */
  fileTransfer?: boolean | { inputFiles?: readonly string[] };
}

/** fileTransfer once resolved: the absolute paths of the user's files to send with every job. */
export interface FileTransfer {
  inputFiles: readonly string[];
}



const DEFAULT_POLL_INTERVAL_MS = 1000;
const DEFAULT_MAX_POLL_INTERVAL_MS = 30_000;
/** Polling faster than this would put real load on a scheduler (and is surely a unit mix-up). */
const MIN_POLL_INTERVAL_MS = 20;


type Resolver = (o: PoolOptions, cwd: string) => unknown;

function pollIntervalOption(o: PoolOptions): number {
  return milliseconds('pollInterval', o.pollInterval, DEFAULT_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS);
}

/**
 * Every option: how its value is checked and what it defaults to, in one table. The keys are
 * PoolOptions' own (the compiler holds the two to the same names), the resolved options are what
 * these return, and the "did you mean" list is these keys.
 */
const RESOLVERS = {
  flavor: (o) => oneOf('flavor', o.flavor ?? 'local', [...FLAVORS, 'auto'] as const),
  workDir: (o, cwd) => (o.workDir === undefined ? undefined : path.resolve(cwd, nonEmptyString('workDir', o.workDir))),
  // A map whose jobs carry their files cannot claim from a shared folder: static chunks then.
  elastic: (o) => optionalBoolean('elastic', o.elastic) ?? !fileTransferWanted(o),
  maxWorkers: (o) => optionalPositiveInteger('maxWorkers', o.maxWorkers),
  leaseTimeout: (o) => milliseconds('leaseTimeout', o.leaseTimeout, 180_000, 200),
  chunkSize: (o) => optionalPositiveInteger('chunkSize', o.chunkSize),
  numChunks: (o) => optionalPositiveInteger('numChunks', o.numChunks),
  maxResubmissions: (o) => nonNegativeInteger('maxResubmissions', o.maxResubmissions, 10),
  rerunFailed: (o) => oneOf('rerunFailed', o.rerunFailed ?? 'same-fn', ['same-fn', 'any-fn', 'never'] as const),
  retry: (o) => resolveRetry(o.retry),
  pollInterval: (o) => pollIntervalOption(o),
  // Never below pollInterval: the back-off starts there.
  maxPollInterval: (o) => milliseconds('maxPollInterval', o.maxPollInterval, Math.max(DEFAULT_MAX_POLL_INTERVAL_MS, pollIntervalOption(o)), pollIntervalOption(o)),
  keepWorkDir: (o) => oneOf('keepWorkDir', o.keepWorkDir ?? 'on-error', ['on-error', 'always', 'never'] as const),
  env: (o) => envOption(o.env),
  exportEnv: (o) => exportEnvOption(o.exportEnv),
  envScript: (o, cwd) => (o.envScript === undefined ? undefined : path.resolve(cwd, nonEmptyString('envScript', o.envScript))),
  executable: (o) => executableOption(o.executable),
  workingDir: (o, cwd) => path.resolve(cwd, o.workingDir === undefined ? cwd : nonEmptyString('workingDir', o.workingDir)),
  resources: (o) => resourcesOption(o.resources),
  submitArgs: (o) => stringArray('submitArgs', o.submitArgs),
  commands: (o) => stringRecord('commands', o.commands),
  signal: (o) => signalOption(o.signal),
  onProgress: (o) => optionalFunction('onProgress', o.onProgress) as ((progress: Progress) => void) | undefined,
  concurrency: (o) => optionalPositiveInteger('concurrency', o.concurrency) ?? availableParallelism(),
  missingGrace: (o) => milliseconds('missingGrace', o.missingGrace, 30_000, 0),
  heldTimeout: (o) => milliseconds('heldTimeout', o.heldTimeout, 60_000, 0, 'wait for a release'),
  stalledTimeout: (o) => milliseconds('stalledTimeout', o.stalledTimeout, 300_000, 0),
  commandTimeout: (o) => milliseconds('commandTimeout', o.commandTimeout, 60_000, 100),
  maxStatusFailures: (o) => optionalPositiveInteger('maxStatusFailures', o.maxStatusFailures) ?? 10,
  arrays: (o) => optionalBoolean('arrays', o.arrays) ?? true,
  maxRunning: (o) => optionalPositiveInteger('maxRunning', o.maxRunning),
  maxArraySize: (o) => optionalPositiveInteger('maxArraySize', o.maxArraySize),
  keepJobsOnExit: (o) => optionalBoolean('keepJobsOnExit', o.keepJobsOnExit) ?? false,
  handleSignals: (o) => optionalBoolean('handleSignals', o.handleSignals) ?? true,
  progress: (o) => optionalBoolean('progress', o.progress) ?? process.stderr.isTTY === true,
  pbsDialect: (o) => oneOf('pbsDialect', o.pbsDialect ?? 'auto', ['auto', 'torque', 'pro', 'slurm'] as const),
  fileTransfer: (o, cwd) => fileTransferOption(o, cwd),
} satisfies Record<keyof PoolOptions, Resolver>;

/** Options after defaults are applied: what each resolver above returns. */
export type ResolvedOptions = { [K in keyof typeof RESOLVERS]: ReturnType<(typeof RESOLVERS)[K]> };

const KNOWN_OPTIONS = Object.keys(RESOLVERS);

export function resolveOptions(options: PoolOptions = {}, cwd = process.cwd()): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new OptionError('options', options, 'an object (or nothing)');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(key)) {
      const hint = closestName(key, KNOWN_OPTIONS);
      throw new OptionError(key, (options as Record<string, unknown>)[key], `a known option${hint ? ` (did you mean \`${hint}\`?)` : ''}; \`${key}\` is not one`);
    }
  }
  if (options.chunkSize !== undefined && options.numChunks !== undefined) {
    throw new OptionError('chunkSize', options.chunkSize, 'left out when numChunks is given (they exclude each other)');
  }
  // In table order, which is the order options are checked in (flavor first).
  const resolved: Record<string, unknown> = {};
  for (const [name, resolve] of Object.entries(RESOLVERS) as Array<[string, Resolver]>) resolved[name] = resolve(options, cwd);
  return resolved as ResolvedOptions;
}

function oneOf<const T extends readonly string[]>(name: string, value: unknown, allowed: T): T[number] {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new OptionError(name, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T[number];
}

function nonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new OptionError(name, value, 'a non-empty string');
  return value;
}

function optionalPositiveInteger(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new OptionError(name, value, 'a positive integer');
  }
  return value;
}

function nonNegativeInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new OptionError(name, value, 'an integer ≥ 0');
  }
  return value;
}

/**
 * Node's timers take at most 2^31-1 ms (about 24.8 days) and fire at once above it, so a longer
 * interval or timeout would turn into none at all: such values are refused, not cut.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A millisecond option between min and MAX_TIMER_MS; `Infinity` only where it has a meaning (`infinity` says which). */
function milliseconds(name: string, value: unknown, fallback: number, min: number, infinity?: string): number {
  if (value === undefined) return fallback;
  if (infinity !== undefined && value === Infinity) return value;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > MAX_TIMER_MS) {
    const orInfinity = infinity === undefined ? '' : `, or Infinity to ${infinity}`;
    throw new OptionError(name, value, `a number of milliseconds from ${min} to ${MAX_TIMER_MS} (about 24.8 days)${orInfinity}`);
  }
  return value;
}

function optionalBoolean(name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new OptionError(name, value, 'true or false');
  return value;
}

function optionalFunction(name: string, value: unknown): unknown {
  if (value !== undefined && typeof value !== 'function') throw new OptionError(name, value, 'a function');
  return value;
}

function stringRecord(name: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OptionError(name, value, 'an object whose values are strings');
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new OptionError(`${name}.${key}`, item, 'a string');
    out[key] = item;
  }
  return out;
}

/** Variables job.sh exports: a name the shell takes, and a value without NUL (bash would cut it there). */
function envOption(value: unknown): Record<string, string> {
  const env = stringRecord('env', value);
  for (const [name, item] of Object.entries(env)) {
    if (!isShellName(name)) {
      throw new OptionError(`env[${JSON.stringify(name)}]`, item, 'under a variable name of letters, digits and _ that does not start with a digit, as the shell on the worker takes it');
    }
    if (item.includes('\0')) {
      throw new OptionError(`env.${name}`, item, 'a string without NUL characters (an environment variable ends at the first one)');
    }
  }
  return env;
}

function stringArray(name: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new OptionError(name, value, 'an array of strings (one argument per element)');
  }
  return [...(value as string[])];
}

function exportEnvOption(value: unknown): boolean | readonly string[] {
  if (value === undefined) return true;
  if (typeof value === 'boolean') return value;
  return stringArray('exportEnv', value);
}

function executableOption(value: unknown): readonly string[] {
  // Only the caller's flags a worker needs: `node -e ...` must not make each worker run the caller again.
  if (value === undefined) return [process.execPath, ...workerNodeFlags(process.execArgv)];
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) {
    return [...(value as string[])];
  }
  throw new OptionError('executable', value, "a path to node, or an array like ['/usr/bin/node', '--max-old-space-size=4096']");
}

function fileTransferWanted(o: PoolOptions): boolean {
  return o.fileTransfer !== undefined && o.fileTransfer !== false;
}

/** Names job.sh lays out in the job's scratch folder: a user's file of the same name would clash. */
const TRANSFER_RESERVED = /^(job\.sh|function\.json|qmr-worker|qmr-module|qmr-out|qmr-run|chunk-\d+\.tasks|_condor_.*)$/;

function fileTransferOption(o: PoolOptions, cwd: string): FileTransfer | undefined {
  const value = o.fileTransfer;
  if (value === undefined || value === false) return undefined;
  const shape = "true, false, or { inputFiles: ['data/', 'lib.mjs'] }";
  if (value !== true && (value === null || typeof value !== 'object' || Array.isArray(value))) throw new OptionError('fileTransfer', value, shape);
  if (o.flavor !== 'htcondor') {
    throw new OptionError('fileTransfer', value, `left out, or used with flavor: 'htcondor' (it is HTCondor's file transfer; flavor is ${JSON.stringify(o.flavor ?? 'local')})`);
  }
  if (o.elastic === true) {
    throw new OptionError('elastic', o.elastic, 'false or left out with fileTransfer: elastic workers claim tasks from a folder every job shares, which a pool without a shared file system does not have');
  }
  if (o.workingDir !== undefined) {
    throw new OptionError('workingDir', o.workingDir, "left out with fileTransfer: each job runs in the scratch folder HTCondor gives it, holding only the transferred files (list what fn reads in fileTransfer.inputFiles)");
  }
  // envScript goes into the same list.
  if (o.envScript !== undefined && /[,\s]/.test(o.envScript)) {
    throw new OptionError('envScript', o.envScript, 'a path without commas, spaces or line breaks with fileTransfer (it is sent in transfer_input_files, which separates its files with them)');
  }
  const given = value === true ? [] : value.inputFiles ?? [];
  if (!Array.isArray(given)) throw new OptionError('fileTransfer.inputFiles', given, 'an array of paths of files or folders');
  const inputFiles = given.map((file: unknown, i) => {
    const name = `fileTransfer.inputFiles[${i}]`;
    if (typeof file !== 'string' || file === '') throw new OptionError(name, file, 'a path of a file or folder');
    // transfer_input_files is a list split at commas and white space: neither can be inside a name.
    if (/[,\s]/.test(file)) throw new OptionError(name, file, 'a path without commas, spaces or line breaks (transfer_input_files separates its files with them): rename it, or put it in a folder whose path has none and list the folder');
    const absolute = path.resolve(cwd, file);
    if (!existsSync(absolute)) throw new OptionError(name, file, `an existing file or folder (${absolute} does not exist)`);
    if (TRANSFER_RESERVED.test(path.basename(absolute))) {
      throw new OptionError(name, file, `a file or folder whose name does not clash with what every job gets (${path.basename(absolute)} is taken: rename it or put it in a folder)`);
    }
    // A trailing slash sends a folder's contents rather than the folder (transfer_input_files).
    return /\/$/.test(file) ? `${absolute}/` : absolute;
  });
  return { inputFiles };
}

function signalOption(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw new OptionError('signal', value, 'an AbortSignal');
  return value;
}

const RESOURCE_KEYS = ['queue', 'memory', 'cpus', 'walltime', 'jobName', 'account'];

function resourcesOption(value: unknown): Resources {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OptionError('resources', value, 'an object like { queue, memory, cpus, walltime, jobName, account }');
  }
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!RESOURCE_KEYS.includes(key)) {
      throw new OptionError(`resources.${key}`, r[key], `left out: resources has only ${RESOURCE_KEYS.join(', ')} (use submitArgs for other native flags)`);
    }
  }
  const out: Resources = {};
  if (r.queue !== undefined) out.queue = nonEmptyString('resources.queue', r.queue);
  if (r.account !== undefined) out.account = nonEmptyString('resources.account', r.account);
  if (r.jobName !== undefined) {
    const name = nonEmptyString('resources.jobName', r.jobName);
    // The strictest of the schedulers' rules, so a name works everywhere.
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,62}$/.test(name)) {
      throw new OptionError('resources.jobName', name, 'a letter followed by up to 62 letters, digits, _ . or -');
    }
    out.jobName = name;
  }
  if (r.cpus !== undefined) out.cpus = optionalPositiveInteger('resources.cpus', r.cpus)!;
  if (r.memory !== undefined) {
    parseMemoryMegabytes(r.memory); // validates
    out.memory = r.memory as number | string;
  }
  if (r.walltime !== undefined) {
    parseWalltimeSeconds(r.walltime);
    out.walltime = r.walltime as number | string;
  }
  return out;
}

/** '4G' → 4096; '500M' → 500; 1024 → 1024 (megabytes). */
export function parseMemoryMegabytes(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.ceil(value);
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT])i?B?\s*$/i.exec(value);
    if (m) {
      const factor = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[m[2]!.toUpperCase() as 'K' | 'M' | 'G' | 'T'];
      const megabytes = Math.ceil(Number(m[1]) * factor);
      // '0M' asks for nothing, as the number 0 would.
      if (megabytes > 0) return megabytes;
    }
  }
  throw new OptionError('resources.memory', value, "a number of megabytes above 0 or a string like '500M' or '4G'");
}

/** 3600 → 3600; '1:00:00' → 3600; '2-00:00:00' → 172800 (seconds). */
export function parseWalltimeSeconds(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.ceil(value);
  if (typeof value === 'string') {
    const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(value.trim());
    if (m) {
      const [, days, hours, minutes, seconds] = m;
      const total = Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
      // '00:00' allows no time at all, as the number 0 would.
      if (total > 0) return total;
    }
  }
  throw new OptionError('resources.walltime', value, "a number of seconds above 0 or 'HH:MM:SS' (also 'D-HH:MM:SS', 'MM:SS') above 00:00");
}

/** 3725 → '01:02:05' (hours may exceed 24, as every scheduler accepts). */
export function formatHms(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The known option nearest to a misspelt one (edit distance ≤ 3), for "did you mean". */
function closestName(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
