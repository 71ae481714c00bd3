/** What the HTCondor front keeps about a cluster beyond the engine's common fields. */
import type { Job } from '../../engine/types.js';
import type { ClassAdValue } from './classad.js';

/** One proc's expanded submit settings (`$(Cluster)` and `$(Process)` included). */
export interface CondorProc {
  args: string[];
  /** The arguments in HTCondor's new syntax, for the Arguments attribute. */
  argsText: string;
  output: string | null;
  error: string | null;
  input: string | null;
  log: string | null;
  iwd: string;
  env: Record<string, string>;
  /** Variables named by `environment =` (the Environment attribute). */
  explicitEnv: Record<string, string>;
  custom: Record<string, ClassAdValue>;
  /** should_transfer_files = YES: what goes in and comes back (absent: a shared file system). */
  transfer?: CondorTransfer;
}

/**
 * HTCondor's file transfer of one proc, as condor_submit reads the commands: transfer_input_files
 * (absolute, from initialdir; a trailing / sends a folder's contents), transfer_output_files as
 * written (paths in the scratch directory; a trailing / the folder's contents) and
 * transfer_output_remaps (name as it arrives = destination, absolute or from initialdir).
 */
export interface CondorTransfer {
  inputs: string[];
  /** null: transfer_output_files not given, so every file the job made or changed at the top of its scratch directory. */
  outputs: string[] | null;
  remaps: Record<string, string>;
}

export interface CondorAttributes {
  procs: CondorProc[];
  /** Absolute path of the executable as submitted (Cmd). */
  cmd: string;
  /** transfer_executable = false: run `cmd` in place instead of a spooled copy. */
  inPlace: boolean;
  universe: number;
  requestCpus: number;
  requestMemory: number;
  requestDisk: number;
  batchName?: string;
  /** periodic_remove as given (the RemoveReason of a job removed by it names it). */
  periodicRemove?: string;
  /** leave_in_queue = true: completed jobs stay in condor_q (as C). */
  leaveInQueue: boolean;
  submitHost: string;
}

export function condorAttributes(job: Job): CondorAttributes {
  return job.attributes as unknown as CondorAttributes;
}

/** ProcId of a task: its index (clusters of one proc have no array). */
export function procId(index: number | null): number {
  return index ?? 0;
}
