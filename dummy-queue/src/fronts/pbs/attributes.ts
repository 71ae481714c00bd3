/** What the PBS front keeps about a job beyond the engine's common fields. */
import type { Job } from '../../engine/types.js';
import type { SubmitterOrigin } from '../common/environment.js';

export type PbsDialect = 'torque' | 'pro';

/** The submitter's context, shown as PBS_O_* (Variable_List) and exported to the job. */
export interface PbsOrigin extends SubmitterOrigin {
  mail: string;
}

export interface PbsAttributes {
  /** The PBS that accepted the job (array flag and job variables depend on it). */
  dialect: PbsDialect;
  /** -l values, in order (e.g. `nodes=1:ppn=4`, `walltime=01:00:00`, `select=1:ncpus=2`). */
  resources: string[];
  account?: string;
  project?: string;
  shell?: string;
  /** -j: 'oe', 'eo' or 'n'. */
  joinMode: string;
  /** -h given at submit (Hold_Types u). */
  userHold: boolean;
  rerunnable: boolean;
  origin: PbsOrigin;
  /** The qsub command line, for Submit_arguments. */
  submitArgs: string;
}

export function pbsAttributes(job: Job): PbsAttributes {
  return job.attributes as unknown as PbsAttributes;
}
