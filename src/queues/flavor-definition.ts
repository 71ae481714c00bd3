/**
 * The shape of one flavor's definition: every fact of a flavor that code outside its folder
 * needs, so that generic code (the registry, `auto` detection, job.sh's environment capture,
 * the trace's failure causes, `qmr logs`, `qmr trace --help`) reads them from the registry
 * instead of keeping a list of flavors of its own. Each src/queues/<flavor>/definition.ts fills
 * one in; registry.ts holds them in a Record keyed by FlavorName, so a flavor without one, or a
 * definition that leaves out a piece, does not compile.
 */
import type { ResolvedOptions } from '../options.js';
import type { FailureCause } from '../trace/failure-cause.js';
import type { CommandFlavor, FlavorTraits, Queue } from './queue.js';

/** How a flavor's queue is made. */
export type QueueSource =
  /** A command-line scheduler: its pure CommandFlavor for these options, which the registry puts behind a CommandQueue. */
  | { readonly kind: 'commands'; commandFlavor(options: ResolvedOptions): CommandFlavor }
  /** A queue of its own (the local flavor runs processes itself). */
  | { readonly kind: 'own'; open(options: ResolvedOptions): Queue };

/** How flavor: 'auto' finds this scheduler. */
export interface Detection {
  /**
   * Order of asking, lowest first. Flavors that share a command (Grid Engine's and PBS's qsub)
   * are asked in an order where the one that can tell itself apart comes first.
   */
  readonly rank: number;
  /** The submit command whose presence (on PATH, or as given in the `commands` option) points to this flavor. */
  readonly command: string;
  /**
   * Given the command's path: why it is this flavor (for the log), or undefined when the command
   * is another flavor's. Left out: the command alone decides (`found PATH`).
   */
  identify?(commandPath: string): string | undefined;
}

/** Words of a flavor's own, as patterns per failure cause (any of them matching names the cause). */
export type FailureWords = Readonly<Partial<Record<FailureCause, RegExp>>>;

export interface FlavorDefinition {
  /** What `qmr logs` and the Pool's option checks know of the flavor without opening a queue. */
  readonly traits: FlavorTraits;
  readonly queue: QueueSource;
  /**
   * Settings beyond `commands` and `commandTimeout` that make two queues of this flavor differ
   * (queues are shared per flavor and settings within a process, so that maps share one poller).
   */
  sharingKey?(options: ResolvedOptions): unknown;
  /**
   * Every command of this scheduler the `commands` option may name: those the flavor runs and
   * others a folder of the scheduler's commands holds (a name no flavor knows is a typo).
   */
  readonly commandNames: readonly string[];
  /** Left out: `auto` never picks this flavor by itself (the local flavor is what it falls back to). */
  readonly detection?: Detection;
  /**
   * Variables the scheduler sets for each job, which job.sh must never take from the caller
   * (copying the caller's would give a job started from inside another job the wrong ids).
   */
  readonly jobEnvironment: { readonly prefixes: readonly string[]; readonly names: readonly string[] };
  readonly failureWords: {
    /** The final states of the scheduler's accounting (sched_state) that name a cause outright. Case-sensitive. */
    readonly states: FailureWords;
    /** The scheduler's words in the reasons the journal records (its states and messages). Case-insensitive. */
    readonly reasons: FailureWords;
  };
  /** The command (with its flags) that reads the accounting of a finished job, as `qmr trace --help` names it. */
  readonly accountingCommand?: string;
}
