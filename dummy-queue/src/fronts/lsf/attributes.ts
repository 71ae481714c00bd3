/** What the LSF front keeps about a job beyond the engine's common fields. */
import type { Job } from '../../engine/types.js';

export interface LsfAttributes {
  /** The command line as LSF stores it (what JOB_NAME defaults to and COMMAND shows). */
  command: string;
  slots: number;
  /** -M, as given. */
  memLimit?: string;
  /** -R, as given. */
  resourceReq?: string;
  /** -W, in minutes. */
  runLimitMinutes?: number;
  project: string;
  /** -oo/-eo: overwrite instead of append. */
  overwriteOut: boolean;
  overwriteErr: boolean;
  submitHost: string;
  /** Queue given explicitly (bsub says "default queue" otherwise). */
  queueGiven: boolean;
}

export function lsfAttributes(job: Job): LsfAttributes {
  return job.attributes as unknown as LsfAttributes;
}
