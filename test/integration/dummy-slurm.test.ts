/**
 * Whole maps on the slurm flavor against the emulated Slurm (see dummy-scenarios.ts): with
 * accounting (sacct answers), and without it (sacct fails; the pool asks once, then relies on
 * the grace period alone).
 */
import { dummyScenarios } from './dummy-scenarios.js';

const slurm = {
  flavor: 'slurm',
  submitCommand: 'sbatch',
  statusCommand: 'squeue',
  historyCommand: 'sacct',
  statusCallsOutsidePolls: 0,
  errorShows: /PENDING \(launch failed requeued held\)/,
  statusFail: { exitCode: 1, stderr: /slurm_load_jobs error: Unable to contact slurm controller \(connect failure\)/ },
} as const;

dummyScenarios({ ...slurm, label: 'slurm' });

dummyScenarios({ ...slurm, label: 'slurm without accounting', settings: { accounting: false }, historyAnswers: false }, [
  'vanish',
  'early-gone',
  'accounting',
]);
