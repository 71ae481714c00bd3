import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeReal, SLURM_TORQUE_BIN } from '../helpers/real-schedulers.js';
import { missingWorkingDir, realInterruptionScenarios, realScenarios, type RealFlavor } from './scenarios.js';

const run = promisify(execFile);

// The pbs flavor against a real PBS front end: Debian's slurm-wlm-torque wrappers (qsub, qstat,
// qdel in Torque syntax) over the running Slurm. They conflict with SGE's client package, so
// they live in their own folder and the commands option points at them.
const commands = { qsub: `${SLURM_TORQUE_BIN}/qsub`, qstat: `${SLURM_TORQUE_BIN}/qstat`, qdel: `${SLURM_TORQUE_BIN}/qdel` };

async function squeueIds(name: string, states = 'PENDING,RUNNING,SUSPENDED,COMPLETING,CONFIGURING'): Promise<string[]> {
  const { stdout } = await run('squeue', ['--noheader', '--array', `--name=${name}`, `--states=${states}`, '--format=%i']);
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

const real: RealFlavor = {
  flavor: 'pbs',
  arrays: false,
  commands,
  jobsNamed: (name) => squeueIds(name),
  runningJobsNamed: (name) => squeueIds(name, 'RUNNING'),
  deleteFromOutside: async (id) => {
    await run(commands.qdel, [id]);
  },
  // An admin acts on the Slurm jobs under the wrappers (they have no qsig).
  suspension: {
    suspend: async (id) => void (await run('scontrol', ['suspend', id])),
    resume: async (id) => void (await run('scontrol', ['resume', id])),
    suspendedJobsNamed: (name) => squeueIds(name, 'SUSPENDED'),
  },
  resourceProbe: 'scontrol show job "$SLURM_JOB_ID" | tr " " "\\n" | grep -E "^(TimeLimit|MinMemoryNode|Partition)="',
  resourceExpectations: [/TimeLimit=00:10:00/, /MinMemoryNode=2G/, /Partition=debug/],
  queueName: 'debug',
  // The wrappers show every end as C with no exit status: a job that fails in job.sh is known
  // by its missing result file (after missingGrace), and its stderr says why.
  trouble: missingWorkingDir(/cannot change to workingDir/),
};

describeReal('pbs', "real PBS commands (Slurm's Torque wrappers) on this machine", () => {
  realScenarios(real);
  realInterruptionScenarios(real);
});
