/** Whole maps on the pbs flavor against the emulated PBS Professional (dialect told from `qstat --version`; see dummy-scenarios.ts). */
import { dummyScenarios } from './dummy-scenarios.js';

dummyScenarios({
  label: 'pbs-pro',
  flavor: 'pbs',
  settings: { dialect: 'pro' },
  submitCommand: 'qsub',
  statusCommand: 'qstat', // qstat -x: its history is part of the status call
  statusCallsOutsidePolls: 1, // qstat --version: the dialect
  // PBS has no error state: the emulator holds the job (H) with a comment, and the pool treats it as held.
  errorShows: /\(H: .*\) was held for/,
  statusFail: { exitCode: 1, stderr: /qstat: cannot connect to server dummy \(errno=15010\)/ },
});
