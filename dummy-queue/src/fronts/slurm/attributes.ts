/** What the Slurm front keeps about a job beyond the engine's common fields. */
import type { Job } from '../../engine/types.js';

export interface SlurmAttributes {
  partition: string;
  account?: string;
  cpusPerTask: number;
  ntasks: number;
  /** Memory as given (--mem / --mem-per-cpu), for displays. */
  memory?: string;
  /** Minutes, or null for no limit. */
  timeLimitMinutes: number | null;
  /** --open-mode=append. */
  append: boolean;
  /** The --export value as given ("ALL" by default). */
  exportSpec: string;
  submitHost: string;
  uid: number;
  gid: number;
  /** --wrap: the script was made by sbatch (Command=(null) in scontrol). */
  wrapped: boolean;
  /** The script's path as given at submit, for scontrol's Command=. */
  commandPath: string | null;
}

export function slurmAttributes(job: Job): SlurmAttributes {
  return job.attributes as unknown as SlurmAttributes;
}
