/** Whole maps on the pbs flavor against the emulated Torque (dialect told from `qstat --version`; see dummy-scenarios.ts). */
import { dummyScenarios } from './dummy-scenarios.js';

dummyScenarios({
  label: 'pbs-torque',
  flavor: 'pbs',
  settings: { dialect: 'torque' },
  submitCommand: 'qsub',
  statusCommand: 'qstat',
  statusCallsOutsidePolls: 1, // qstat --version: the dialect
  // PBS has no error state: the emulator holds the job (H) with a comment, and the pool treats it as held.
  errorShows: /\(H: .*\) was held for/,
  statusFail: { exitCode: 1, stderr: /qstat: cannot connect to server dummy \(errno=111\) Connection refused/ },
});
