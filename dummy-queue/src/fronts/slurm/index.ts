/** The Slurm (22.05) front: sbatch, squeue, scancel, sacct, scontrol, sinfo. */
import type { Front } from '../common/command.js';
import { slurmLauncher } from './launch.js';
import { sacctCommand } from './sacct.js';
import { sbatchCommand } from './sbatch.js';
import { scancelCommand } from './scancel.js';
import { scontrolCommand } from './scontrol.js';
import { sinfoCommand } from './sinfo.js';
import { squeueCommand } from './squeue.js';

export const slurmFront: Front = {
  flavor: 'slurm',
  commands: { sbatch: sbatchCommand, squeue: squeueCommand, scancel: scancelCommand, sacct: sacctCommand, scontrol: scontrolCommand, sinfo: sinfoCommand },
  launcher: slurmLauncher,
  faultTexts: {
    // What the commands print while slurmctld (or slurmdbd, for sacct) does not answer.
    statusFail: (command) =>
      command === 'sacct'
        ? {
            text:
              'sacct: error: slurm_persist_conn_open_without_init: failed to open persistent connection to host:localhost:6819: Connection refused\n' +
              'sacct: error: Sending PersistInit msg: Connection refused\nsacct: error: Problem talking to the database: Connection refused',
            exitCode: 1,
          }
        : command === 'sinfo'
          ? { text: 'slurm_load_partitions: Unable to contact slurm controller (connect failure)', exitCode: 1 }
          : { text: 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)', exitCode: 1 },
    submitFail: () => ({ text: 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)', exitCode: 1 }),
    statusWarning: (command) => `${command}: warning: dummy-queue injected warning: slurmctld is slow to answer`,
  },
};
