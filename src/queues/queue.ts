/**
 * The one interface every flavor stands behind.
 *
 * A flavor knows how to talk to its scheduler and nothing else: submit, ask the status of many
 * jobs in one go, cancel, and (where the site keeps one) look up finished jobs in its history.
 * Deciding what a state means for a chunk (done, resubmit, give up) lives above, once, in the
 * chunk tracker. Command-line flavors implement the smaller `CommandFlavor` (pure command
 * builders and output parsers) and get a `Queue` from `CommandQueue`.
 */
import type { ArrayConvention } from '../protocol/job-script.js';
import type { Resources } from '../options.js';
import type { FlavorName } from './flavor-names.js';
import type { ResourceLimit } from '../map/retry-policy.js';

/** What the scheduler says of a job, reduced to what the pool acts on. */
export type JobState =
  | 'pending' // waiting to start (includes "submitted, not yet visible")
  | 'running'
  | 'suspended' // stopped for now by a user, an admin or the scheduler; will go on
  | 'held' // will not start until someone releases it
  | 'error' // stuck in an error state; will not run without help (SGE Eqw, HTCondor Held by the system)
  | 'stalled' // in a state that should pass quickly but may hang (SGE t, d/dt/dr; LSF UNKWN; PBS M), or one the flavor does not know
  | 'finished'; // ended, and the scheduler still shows it

export interface JobStatus {
  state: JobState;
  /** The scheduler's own words, for messages: 'Eqw', 'PENDING (JobHeldUser)', 'EXIT'. */
  native: string;
  /** Why the job is in this state, when the scheduler says (SGE error reason, Slurm Reason, HoldReason). */
  reason?: string;
  /** For finished jobs, when the scheduler knows it: did the job script end well? */
  outcome?: 'success' | 'failure';
  /** A failure that the same job would meet again (out of memory, time limit): do not resubmit blindly. */
  fatal?: boolean;
  /** Which request the job ran past, when the scheduler says (with fatal): retry-policy.ts may raise it. */
  limit?: ResourceLimit;
}

/**
 * What the scheduler's accounting says about one finished job (sacct, qacct, bjobs, condor_history,
 * qstat -x): its own measurements, beside the ones the worker takes of itself. Every field is
 * optional: each scheduler reports a different subset, and a job it has not finished accounting
 * for yet may lack most of them.
 */
export interface JobAccounting {
  /** The scheduler's final state in its own words: 'OUT_OF_MEMORY', 'EXIT', 'Completed', 'failed 37 : qmaster enforced h_rt limit'. */
  state?: string;
  /** The job script's exit code as the scheduler saw it. */
  exitCode?: number;
  /** The signal that ended it, where the scheduler tells it apart from the exit code. */
  signal?: number;
  maxRssKb?: number;
  /** User + system CPU time. */
  cpuSeconds?: number;
  elapsedSeconds?: number;
  host?: string;
  /** Epoch milliseconds. */
  start?: number;
  end?: number;
}

/** The kinds of scheduler call a CommandQueue counts (the report's "scheduler calls"). */
export const CALL_KINDS = ['submit', 'status', 'history', 'cancel', 'info', 'accounting'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

export interface SubmitRequest {
  /** The chunks to run; element k of an array job runs chunks[k]. */
  chunks: readonly number[];
  /** One array job with chunks.length elements (true), or one plain job (chunks.length is 1). */
  array: boolean;
  /** Most array elements running at once (SGE -tc, Slurm %N); undefined for no limit. */
  throttle: number | undefined;
  jobName: string;
  /** job.sh */
  script: string;
  /** Folder for the scheduler's own stdout/stderr files. */
  schedulerLogDir: string;
  workingDir: string;
  resources: Resources;
  submitArgs: readonly string[];
  /**
   * HTCondor file transfer (the fileTransfer option): the jobs see no file of this machine.
   * `runDir` is the work dir (its job.sh, function.json, chunks/, results/, logs/); inputFiles
   * are the absolute paths of the other files and folders each job carries; keptResults go to
   * their chunk's job only.
   */
  fileTransfer?: {
    runDir: string;
    inputFiles: readonly string[];
    /** A chunk's kept result (rerunFailed), relative to runDir, for the chunks that have one. */
    keptResults: ReadonlyMap<number, string>;
  };
}

export interface QueueInfo {
  /** Slots (CPUs) this user can expect to use at once, when the scheduler tells. */
  slots?: number;
  /** Largest number of elements in one array job. */
  maxArraySize?: number;
}

export interface Queue {
  readonly flavor: FlavorName;
  /** How job.sh finds its array index and job id under this scheduler. */
  readonly convention: ArrayConvention;
  readonly supportsArrays: boolean;
  /**
   * Whether results written on a worker may show up late here (a shared file system): then a job
   * that has left the queue gets a grace period before it counts as missing.
   */
  readonly resultsMayLag: boolean;
  /** Submits one job or one array job; returns the id of each chunk's job or array element. */
  submit(request: SubmitRequest): Promise<string[]>;
  /** The status of the given jobs in as few scheduler calls as possible; absent = gone from the queue. */
  status(jobIds: readonly string[]): Promise<Map<string, JobStatus>>;
  /** Final states of jobs that have left the queue, from the scheduler's history, where it has one. */
  history?(jobIds: readonly string[]): Promise<Map<string, JobStatus>>;
  /**
   * The scheduler's accounting of finished jobs (for the trace), in as few calls as possible;
   * jobs it does not know are left out. Absent where the scheduler keeps none we can read.
   * `until` (epoch ms): start no command after it, and answer with what was read so far (qacct
   * takes one job per call, so a run of many jobs may take long).
   */
  accounting?(jobIds: readonly string[], until?: number): Promise<Map<string, JobAccounting>>;
  /** How many scheduler commands of each kind this queue has run since it was opened. */
  callCounts?(): Record<CallKind, number>;
  /** Cancels the jobs; a job that is already gone counts as cancelled. */
  cancel(jobIds: readonly string[]): Promise<void>;
  /** What the queue (the queue or partition in `resources`, else the default one) can tell about its size, for chunking. Cached. */
  info(resources?: Resources): Promise<QueueInfo>;
  /** Calls the listener as soon as a job is known to have ended (local flavor: process exit). */
  onJobEnd?(listener: () => void): () => void;
  /**
   * Where a status poll costs nothing (answered from this process's memory), how often to poll
   * instead of pollInterval, so that progress shows running chunks at once.
   */
  readonly freePollInterval?: number;
}

/** One command to run: the executable and its arguments, and text for its stdin if any. */
export interface CommandLine {
  file: string;
  args: string[];
  input?: string;
}

export interface CommandResult {
  command: CommandLine;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Thrown by a parser when a command's output says the command failed (after which it is retried). */
export class CommandOutputError extends Error {
  override name = 'CommandOutputError';
}

/**
 * Thrown by a history parser when the site keeps no history (Slurm without accounting, HTCondor
 * without a history file): the queue stops asking, and the grace period alone decides.
 */
export class HistoryUnavailableError extends Error {
  override name = 'HistoryUnavailableError';
}

/**
 * What a flavor tells of itself without talking to its scheduler, so that code outside
 * src/queues (`qmr logs`, the Pool's option checks) need not know flavors by name.
 */
export interface FlavorTraits {
  readonly name: FlavorName;
  /**
   * The file names a job may have written into schedulerLogDir, as regular-expression sources
   * matched against whole names: what the -o/-e templates of submitCommand make of job number
   * `job` and array element `element` (undefined for a plain job).
   */
  schedulerLogNames(job: string, element: string | undefined): string[];
  /** Set when maxRunning cannot work on this flavor: why, and what to use instead (the OptionError's wording). */
  readonly maxRunningRefusal?: string;
}

/**
 * A flavor that talks to its scheduler through commands. Pure: it builds command lines and
 * parses outputs; running them (timeouts, retries, batching) is CommandQueue's job.
 */
export interface CommandFlavor extends FlavorTraits {
  readonly convention: ArrayConvention;
  readonly supportsArrays: boolean;
  /** The scheduler commands this flavor runs; the `commands` option may give a path for each. */
  readonly commandNames: readonly string[];
  submitCommand(request: SubmitRequest, command: (name: string) => string): CommandLine;
  /** The job id of each chunk's job or array element, read from the submit output. */
  parseSubmitOutput(result: CommandResult, request: SubmitRequest): string[];
  /** The status command(s) for these jobs: one, unless the ids must be split to keep lines short. */
  statusCommands(jobIds: readonly string[], command: (name: string) => string): CommandLine[];
  /** Statuses of the jobs the output shows; throws CommandOutputError when the command failed. */
  parseStatusOutput(result: CommandResult, jobIds: readonly string[]): Map<string, JobStatus>;
  cancelCommands(jobIds: readonly string[], command: (name: string) => string): CommandLine[];
  /** True when a cancel command failed for a reason other than "the job is already gone". */
  cancelFailed(result: CommandResult): boolean;
  /** Commands that look up jobs which have left the queue (sacct, condor_history, qstat -x). */
  historyCommands?(jobIds: readonly string[], command: (name: string) => string): CommandLine[];
  /** Final states found in the history; throws HistoryUnavailableError when the site keeps none. */
  parseHistoryOutput?(result: CommandResult, jobIds: readonly string[]): Map<string, JobStatus>;
  /** Commands that read the accounting of finished jobs: one, unless the scheduler takes one job per call (qacct). */
  accountingCommands?(jobIds: readonly string[], command: (name: string) => string): CommandLine[];
  /** The accounting of the jobs the output shows; throws CommandOutputError when the command failed. */
  parseAccountingOutput?(result: CommandResult, jobIds: readonly string[]): Map<string, JobAccounting>;
  /** Commands whose outputs tell the size of the queue the jobs go to; parsed by parseInfoOutputs. */
  infoCommands?(command: (name: string) => string, resources: Resources): CommandLine[];
  parseInfoOutputs?(results: CommandResult[], resources: Resources): QueueInfo;
}
