/** What the SGE front keeps about a job beyond the engine's common fields. */
import type { Job } from '../../engine/types.js';
import type { SubmitterOrigin } from '../common/environment.js';

/** The submitter's context, shown as sge_o_* and exported to the job as SGE_O_*. */
export type SgeOrigin = SubmitterOrigin;

export interface SgeAttributes {
  slots: number;
  pe?: string;
  resources: string[];
  project?: string;
  account: string;
  /** `-S`: the shell that runs the script. */
  shell?: string;
  /** `-b y`: args[0] is a command, not a script. */
  binary: boolean;
  /** `-cwd`/`-wd` given (qstat -j shows a cwd line only then). */
  cwdGiven: boolean;
  notify: boolean;
  origin: SgeOrigin;
}

export function sgeAttributes(job: Job): SgeAttributes {
  return job.attributes as unknown as SgeAttributes;
}
