/** The PBS front, speaking Torque or PBS Pro per the `dialect` setting (or QMR_DUMMY_PBS_DIALECT). */
import type { State } from '../../engine/types.js';
import type { Front } from '../common/command.js';
import { callDialect } from './dialect.js';
import { pbsLauncher } from './launch.js';
import { qdelCommand } from './qdel.js';
import { qstatCommand } from './qstat.js';
import { qsubCommand } from './qsub.js';

function serverDown(command: string, state: State): string {
  const server = state.settings.pbsServer;
  return callDialect(state, process.env) === 'torque'
    ? `Communication failure.\n${command}: cannot connect to server ${server} (errno=111) Connection refused`
    : `Connection refused\n${command}: cannot connect to server ${server} (errno=15010)`;
}

export const pbsFront: Front = {
  flavor: 'pbs',
  commands: { qsub: qsubCommand, qstat: qstatCommand, qdel: qdelCommand },
  launcher: pbsLauncher,
  faultTexts: {
    // What the clients print while pbs_server does not answer (Torque and PBS Pro word it apart).
    statusFail: (command, state) => ({ text: serverDown(command, state), exitCode: 1 }),
    submitFail: (command, state) => ({ text: serverDown(command, state), exitCode: 1 }),
    statusWarning: () => 'Warning: dummy-queue injected warning: pbs_server is slow to answer',
  },
};
