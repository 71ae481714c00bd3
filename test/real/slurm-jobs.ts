/**
 * How the real-scheduler tests see Slurm's jobs from outside the pool (squeue by job name,
 * scontrol suspend and resume, the job's own TimeLimit, memory and partition): shared by
 * slurm.test.ts and pbs.test.ts, whose Torque wrappers run over the same Slurm.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RealFlavor } from './scenarios.js';

const run = promisify(execFile);

/** Job ids (array elements one by one) of this user's jobs with the name, in the given states. */
export async function squeueIds(name: string, states = 'PENDING,RUNNING,SUSPENDED,COMPLETING,CONFIGURING'): Promise<string[]> {
  const { stdout } = await run('squeue', ['--noheader', '--array', `--name=${name}`, `--states=${states}`, '--format=%i']);
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The parts of a RealFlavor that Slurm answers, whatever front end submitted the jobs. */
export const slurmJobs = {
  jobsNamed: (name) => squeueIds(name),
  runningJobsNamed: (name) => squeueIds(name, 'RUNNING'),
  // An admin acts on the Slurm jobs (the Torque wrappers have no qsig).
  suspension: {
    suspend: async (id) => void (await run('scontrol', ['suspend', id])),
    resume: async (id) => void (await run('scontrol', ['resume', id])),
    suspendedJobsNamed: (name) => squeueIds(name, 'SUSPENDED'),
  },
  resourceProbe: 'scontrol show job "$SLURM_JOB_ID" | tr " " "\\n" | grep -E "^(TimeLimit|MinMemoryNode|Partition)="',
  resourceExpectations: [/TimeLimit=00:10:00/, /MinMemoryNode=2G/, /Partition=debug/],
  queueName: 'debug',
} satisfies Partial<RealFlavor>;
