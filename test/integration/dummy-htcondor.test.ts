/**
 * Whole maps on the htcondor flavor against the emulated HTCondor (see dummy-scenarios.ts): with
 * a shared file system, and with HTCondor's file transfer (fileTransfer), where the emulator runs
 * each job in a scratch folder of its own with the work dir hidden from it.
 */
import { transferScenarios } from './dummy-htcondor-transfer.js';
import { dummyScenarios, STATIC_SCENARIOS } from './dummy-scenarios.js';

const htcondor = {
  flavor: 'htcondor',
  submitCommand: 'condor_submit',
  statusCommand: 'condor_q',
  historyCommand: 'condor_history',
  statusCallsOutsidePolls: 0,
  errorShows: /\(Held: .*HoldReasonCode 6\)/,
  statusFail: { exitCode: 1, stderr: /Failed to fetch ads from: .*\nCEDAR:6001:Failed to connect/ },
} as const;

dummyScenarios({ label: 'htcondor', ...htcondor });

// Every scenario of static chunks (elastic workers need a shared folder: refused with fileTransfer).
dummyScenarios({ label: 'htcondor-transfer', ...htcondor, options: { fileTransfer: true } }, STATIC_SCENARIOS);

transferScenarios({ label: 'htcondor', ...htcondor });
