import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeReal, SLURM_TORQUE_BIN } from '../helpers/real-schedulers.js';
import { missingWorkingDir, realInterruptionScenarios, realScenarios, type RealFlavor } from './scenarios.js';
import { slurmJobs } from './slurm-jobs.js';

const run = promisify(execFile);

// The pbs flavor against a real PBS front end: Debian's slurm-wlm-torque wrappers (qsub, qstat,
// qdel in Torque syntax) over the running Slurm. They conflict with SGE's client package, so
// they live in their own folder and the commands option points at them.
const commands = { qsub: `${SLURM_TORQUE_BIN}/qsub`, qstat: `${SLURM_TORQUE_BIN}/qstat`, qdel: `${SLURM_TORQUE_BIN}/qdel` };

const real: RealFlavor = {
  flavor: 'pbs',
  arrays: false,
  commands,
  // Jobs, suspension (by an admin on the Slurm jobs under the wrappers) and resources are Slurm's.
  ...slurmJobs,
  deleteFromOutside: async (id) => {
    await run(commands.qdel, [id]);
  },
  // The wrappers show every end as C with no exit status: a job that fails in job.sh is known
  // by its missing result file (after missingGrace), and its stderr says why.
  trouble: missingWorkingDir(/cannot change to workingDir/),
};

describeReal('pbs', "real PBS commands (Slurm's Torque wrappers) on this machine", () => {
  realScenarios(real);
  realInterruptionScenarios(real);
});
