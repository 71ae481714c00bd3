/** The HTCondor (23.x/24.x) front: condor_submit, condor_q, condor_history, condor_rm. */
import type { Front } from '../common/command.js';
import { condorRmCommand } from './condor-rm.js';
import { condorSubmitCommand } from './condor-submit.js';
import { condorLauncher } from './launch.js';
import { queryCommand } from './query-command.js';

export const htcondorFront: Front = {
  flavor: 'htcondor',
  commands: {
    condor_submit: condorSubmitCommand,
    condor_q: queryCommand('condor_q'),
    condor_history: queryCommand('condor_history'),
    condor_rm: condorRmCommand,
  },
  launcher: condorLauncher,
  faultTexts: {
    // What the tools print while the schedd does not answer.
    statusFail: (_command, state) => ({
      text: `-- Failed to fetch ads from: <127.0.0.1:9618?addrs=127.0.0.1-9618> : ${state.settings.hostname}\nCEDAR:6001:Failed to connect to <127.0.0.1:9618?addrs=127.0.0.1-9618>`,
      exitCode: 1,
    }),
    submitFail: () => ({ text: '\nERROR: Can\'t find address of local schedd', exitCode: 1 }),
    statusWarning: () => 'Warning: dummy-queue injected warning: the schedd is slow to answer',
  },
};
