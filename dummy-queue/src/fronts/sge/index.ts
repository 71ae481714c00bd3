/** The SGE (Son of Grid Engine 8.1.9) front: qsub, qstat, qdel, qacct, qconf. */
import type { Front } from '../common/command.js';
import { sgeLauncher } from './launch.js';
import { qacctCommand } from './qacct.js';
import { qconfCommand } from './qconf.js';
import { qdelCommand } from './qdel.js';
import { qstatCommand } from './qstat.js';
import { qsubCommand } from './qsub.js';

// What the clients print when qmaster is unreachable (fixtures qstat/qsub-qmaster-down).
const COMMLIB = 'error: commlib error: got select error (Connection refused)';

export const sgeFront: Front = {
  flavor: 'sge',
  commands: { qsub: qsubCommand, qstat: qstatCommand, qdel: qdelCommand, qacct: qacctCommand, qconf: qconfCommand },
  launcher: sgeLauncher,
  faultTexts: {
    statusFail: (_command, state) => ({
      text: `${COMMLIB}\nerror: unable to send message to qmaster using port 6444 on host "${state.settings.hostname}": got send error`,
      exitCode: 1,
    }),
    submitFail: (_command, state) => ({
      text: `${COMMLIB}\nUnable to run job: unable to send message to qmaster using port 6444 on host "${state.settings.hostname}": got send error\nExiting.`,
      exitCode: 1,
    }),
    statusWarning: () => 'warning: dummy-queue injected warning: qmaster is slow to answer',
  },
};
