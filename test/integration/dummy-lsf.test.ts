/** Whole maps on the lsf flavor against the emulated IBM Spectrum LSF (see dummy-scenarios.ts). */
import { dummyScenarios } from './dummy-scenarios.js';

dummyScenarios({
  label: 'lsf',
  flavor: 'lsf',
  submitCommand: 'bsub',
  statusCommand: 'bjobs',
  statusCallsOutsidePolls: 0,
  errorShows: /\(ZOMBI: /,
  statusFail: { exitCode: 255, stderr: /bjobs: Failed in an LSF library call: Failed in sending\/receiving a message: Connection refused/ },
});
