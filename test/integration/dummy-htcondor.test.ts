/** Whole maps on the htcondor flavor against the emulated HTCondor (see dummy-scenarios.ts). */
import { dummyScenarios } from './dummy-scenarios.js';

dummyScenarios({
  label: 'htcondor',
  flavor: 'htcondor',
  submitCommand: 'condor_submit',
  statusCommand: 'condor_q',
  historyCommand: 'condor_history',
  statusCallsOutsidePolls: 0,
  errorShows: /\(Held: .*HoldReasonCode 6\)/,
  statusFail: { exitCode: 1, stderr: /Failed to fetch ads from: .*\nCEDAR:6001:Failed to connect/ },
});
