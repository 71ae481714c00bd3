/** What the SGE front keeps about a job beyond the engine's common fields. */
import type { Job } from '../../engine/types.js';

/** The submitter's context, shown as sge_o_* and exported to the job as SGE_O_*. */
export interface SgeOrigin {
  home: string;
  host: string;
  logname: string;
  path: string;
  shell: string;
  workdir: string;
}

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
