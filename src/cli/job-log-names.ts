/**
 * Which files in logs/scheduler/ a job wrote. Every flavor puts the job id at the end of the
 * file's stem: SGE NAME.o12.3, Slurm NAME-12_3.out, Torque NAME.o12-3, PBS Pro NAME.o12.3,
 * LSF lsf-12.3.out, HTCondor condor-12.3.out (12: the job, 3: the array element). Matching the
 * end, with no digit before, keeps job 1.1 from claiming 1.3's files, or job 7 a job name that
 * happens to hold a 7.
 */

/** The job number and array element of an id as the flavors print them: 12.3, 12_3, 12[3].server, 12.server, 12. */
export function jobNumbers(jobId: string): { job: string; element?: string } | undefined {
  const m = /^(\d+)(?:[._](\d+)$|\[(\d+)\])?/.exec(jobId);
  if (!m) return undefined;
  const element = m[2] ?? m[3];
  return element === undefined ? { job: m[1]! } : { job: m[1]!, element };
}

export function isLogOf(fileName: string, jobId: string): boolean {
  const stem = fileName.replace(/\.(out|err|log)$/, '');
  const n = jobNumbers(jobId);
  if (!n) return stem.endsWith(jobId); // ids without a number (the local flavor's): as they are
  const id = n.element === undefined ? n.job : `${n.job}[._-]${n.element}`;
  return new RegExp(`(?<!\\d)${id}$`).test(stem);
}
