/** Whole maps on the sge flavor against the emulated Son of Grid Engine (see dummy-scenarios.ts). */
import { dummyScenarios } from './dummy-scenarios.js';

dummyScenarios({
  label: 'sge',
  flavor: 'sge',
  submitCommand: 'qsub',
  statusCommand: 'qstat',
  statusCallsOutsidePolls: 1, // qstat -g c -xml: the queue's size, asked once
  errorShows: /\(Eqw\)/,
  statusFail: { exitCode: 1, stderr: /error: commlib error: got select error \(Connection refused\)/ },
});
