/**
 * The emulator's whole world, as stored in the JSON state file. One engine serves every
 * scheduler front: jobs are kept in a flavor-neutral shape and each front translates states,
 * ids and reasons into its scheduler's words when it prints.
 */

/** The schedulers the emulator has a front for: a new one is also a line in FRONTS (fronts/index.ts), which the compiler ties to this. */
export type Flavor = 'sge' | 'slurm' | 'pbs' | 'lsf' | 'htcondor';

export interface Settings {
  /** How many tasks run at once. */
  slots: number;
  /** Seconds a submitted task waits before it may start (a scheduler cycle). */
  startDelay: number;
  /** Seconds finished jobs stay in the live status view (Slurm MinJobAge, Torque keep_completed, LSF CLEAN_PERIOD). */
  keepFinished: number;
  /** Seconds after its end before a job shows up in history commands (condor_history, sacct). */
  historyLag: number;
  /** Slurm: false makes sacct fail like a cluster without slurmdbd. */
  accounting: boolean;
  /** PBS: which PBS the pbs front speaks. */
  dialect: 'torque' | 'pro';
  /** PBS: server name used in ids (`12.server`). */
  pbsServer: string;
  /** PBS Torque: print ids with the `.server` suffix (false = bare ids like Slurm's Torque wrappers). */
  pbsSuffix: boolean;
  /** Seconds between SIGTERM and SIGKILL when a running job is cancelled. */
  killGrace: number;
  /**
   * SGE: seconds a cancelled running task still shows as being deleted (`dr`) after its process
   * is gone, as until execd reports the kill.
   */
  cancelLinger: number;
  /** HTCondor: seconds a removed job still shows in condor_q with JobStatus 3 after its end. */
  removedLinger: number;
  /** Seconds the dispatcher stays alive with nothing pending or running. */
  idleExit: number;
  /** Host name the fronts print as execution host. */
  hostname: string;
}

/** Where a task is in its life. `finished` tasks carry an outcome. */
export type TaskState = 'pending' | 'held' | 'error' | 'running' | 'suspended' | 'finished' | 'vanished';

/**
 * How a finished task ended:
 * - exited: the process ended by itself (exitCode set; nonzero is a failure)
 * - killed: the process died from a signal that nobody asked for (signal set)
 * - cancelled: deleted by the user, before or while running (signal set if it was running)
 * - failed: never ran because the "node failed" (fail fault) or the launch failed
 * - lost: the dispatcher lost track of the process (it was restarted while the task ran)
 * - limit: the scheduler killed it for running past its memory or time request (limit fault; `limit` says which)
 */
export type Outcome = 'exited' | 'killed' | 'cancelled' | 'failed' | 'lost' | 'limit';

/** The request a job ran past (limit fault). */
export type LimitResource = 'memory' | 'walltime';

/** Why a task is held or in error, in engine words; fronts map them to their own reasons. */
export type HoldCause = 'user' | 'submitted-held' | 'fault' | 'launch' | 'limit' | 'transfer-in' | 'transfer-out';

export interface Task {
  /** Array index, or null for a job that is not an array. */
  index: number | null;
  state: TaskState;
  /** Free text a front may print: error message, hold reason, comment. */
  message?: string;
  holdCause?: HoldCause;
  /** When the task went into error (a failed start attempt). */
  errorAt?: number;
  /** Slurm-style own job id of an array task (see task-ids.ts). */
  rawId?: number;
  pid?: number;
  startTime?: number;
  endTime?: number;
  outcome?: Outcome;
  exitCode?: number | null;
  signal?: string | null;
  /** When a cancel of the running process was requested (SIGTERM sent; SIGKILL follows). */
  cancelRequestedAt?: number;
  termSentAt?: number;
  killSentAt?: number;
  /** Limit fault: the request the task ran past (outcome 'limit', or held for it: HTCondor memory). */
  limit?: LimitResource;
  /** Set by the earlyGone fault: the task is hidden from live status views from its start on. */
  hiddenFromLive?: boolean;
  /** Suspend fault: when to stop the process and for how long. */
  suspendAt?: number;
  suspendSeconds?: number;
  resumeAt?: number;
}

export interface ArraySpec {
  /** The index list in submission order. */
  indices: number[];
  /** First index, last index and step as given (for printing `1-5:1`). */
  first: number;
  last: number;
  step: number;
  /** Max tasks of this array running at once, if limited (SGE -tc, Slurm %N, LSF %N). */
  throttle?: number;
}

export interface Job {
  id: number;
  flavor: Flavor;
  name: string;
  owner: string;
  queue: string;
  /** Spooled copy of the script (absolute path), or null when a command is run directly (SGE -b y). */
  script: string | null;
  /** The script name as given at submit (for displays). */
  scriptName: string;
  /** Command line: when script is set, its arguments; otherwise the command and its arguments. */
  args: string[];
  /** Base environment of the job (front-computed: minimal, or the submitter's). */
  env: Record<string, string>;
  /** Variables given explicitly at submit (-v, --export=A=1, environment=), for displays. */
  explicitEnv: Record<string, string>;
  /** Directory the submit command ran in. */
  submitDir: string;
  /** Directory the job runs in (may contain front placeholders resolved by the launcher). */
  cwd: string;
  /** Output paths as given (front syntax, resolved by the front's launcher); null = front default. */
  stdout: string | null;
  stderr: string | null;
  /** Merge stderr into stdout. */
  join: boolean;
  array: ArraySpec | null;
  /** The queue-map-reduce chunk list of this job, if its args/variables carry one. */
  chunkSpec: string | null;
  submitTime: number;
  tasks: Task[];
  /** Front-specific attributes (resources, project, +Attrs, ...), printed back by that front. */
  attributes: Record<string, unknown>;
  /** Slurm: array tasks take their own job ids from the sequence when they leave the pending record. */
  tasksTakeIds?: boolean;
}

/**
 * transferIn / transferOut: a job with file transfer (HTCondor) whose input transfer fails at its
 * start, or whose output transfer fails at its end (its outputs are lost): it is held for it.
 */
export type JobFaultKind = 'error' | 'fail' | 'held' | 'vanish' | 'suspend' | 'earlyGone' | 'limit' | 'transferIn' | 'transferOut';
export type CommandFaultKind = 'statusFail' | 'statusHang' | 'statusWarning' | 'submitFail';
export type FaultKind = JobFaultKind | CommandFaultKind;

/** A fault as the user gives it (control API, `dummyq fault`). */
export interface FaultSpec {
  kind: FaultKind;
  /** How many occurrences (default 1). */
  times?: number;
  // --- job selectors (all given must match) ---
  chunk?: number;
  arrayIndex?: number;
  /** Glob on the job name (`*`, `?`). */
  name?: string;
  jobId?: number;
  // --- command selectors ---
  /** Fire on every Nth eligible call (default: every call until `times` is used up). */
  every?: number;
  /** Only calls of this command (e.g. "qstat"); default: every status (or submit) command. */
  command?: string;
  // --- parameters ---
  /** limit: which request the job runs past (default memory). */
  resource?: LimitResource;
  /** suspend: how long; statusHang: how long to sleep. */
  seconds?: number;
  /** suspend: seconds after the start before the process is stopped. */
  after?: number;
  /** Text printed (statusFail/submitFail on stderr, statusWarning line, error/held reason). */
  message?: string;
  /** statusFail/submitFail exit code (default: the scheduler's). */
  exitCode?: number;
  /** statusWarning: where the warning line goes (default stdout, where it hurts parsers). */
  stream?: 'stdout' | 'stderr';
}

export interface Fault extends FaultSpec {
  id: number;
  /** Occurrences used so far. */
  fired: number;
  /** Eligible calls seen (for `every`). */
  seen: number;
}

/** One firing of a fault, for tests to assert. */
export interface FiredFault {
  faultId: number;
  kind: FaultKind;
  at: number;
  jobId?: number;
  index?: number | null;
  chunk?: number | null;
  command?: string;
  /** statusHang: when the hung command went on to answer (absent if it was killed while hanging). */
  answeredAt?: number;
}

export interface DispatcherInfo {
  pid: number;
  startedAt: number;
}

export interface State {
  version: 1;
  settings: Settings;
  nextJobId: number;
  jobs: Job[];
  faults: Fault[];
  fired: FiredFault[];
  calls: Record<string, number>;
  dispatcher: DispatcherInfo | null;
  nextFaultId: number;
}
