/**
 * Which files in logs/scheduler/ a job wrote, by the file-name templates its flavor gave the
 * scheduler: each flavor's schedulerLogNames (src/queues/<flavor>/commands.ts, read through the
 * registry), e.g. Grid Engine's NAME.oJ and NAME.oJ.T (NAME the job name, J the job, T the
 * array element), Slurm's NAME-J.out and NAME-J_T.out; the local flavor writes none.
 *
 * The whole name is matched, so a plain job 12 never claims an element 12 of another job
 * (qmr-x.o5.12, qmr-x-5_12.out, lsf-5.12.out) nor a job name that happens to hold a 12; a run
 * mixes arrays with single-job resubmissions, so both kinds share the folder. NAME is matched
 * as any text: the templates' tails after it tell the cases apart on their own, and submitArgs
 * may have renamed the job.
 */
import { anyFlavorLogNames, flavorTraits } from '../queues/registry.js';

/** The job number and array element of an id as the flavors print them: 12.3, 12_3, 12[3].server, 12.server, 12. */
export function jobNumbers(jobId: string): { job: string; element?: string } | undefined {
  const m = /^(\d+)(?:[._](\d+)$|\[(\d+)\])?/.exec(jobId);
  if (!m) return undefined;
  const element = m[2] ?? m[3];
  return element === undefined ? { job: m[1]! } : { job: m[1]!, element };
}

/** The file names `jobId` can have written on `flavor` (the run's, from run.json), as regular expressions. */
function templates(flavor: string, job: string, element: string | undefined): string[] {
  return flavorTraits(flavor)?.schedulerLogNames(job, element) ?? anyFlavorLogNames(job, element);
}

export function isLogOf(fileName: string, jobId: string, flavor: string): boolean {
  const n = jobNumbers(jobId);
  if (!n) return false; // ids without a number are the local flavor's, which writes no scheduler logs
  return templates(flavor, n.job, n.element).some((template) => new RegExp(`^(?:${template})$`).test(fileName));
}
