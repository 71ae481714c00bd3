/** The LSF (IBM Spectrum LSF 10.1) front: bsub, bjobs, bkill, bparams. */
import type { Front } from '../common/command.js';
import { bjobsCommand } from './bjobs.js';
import { bkillCommand } from './bkill.js';
import { bparamsCommand } from './bparams.js';
import { bsubCommand } from './bsub.js';
import { lsfLauncher } from './launch.js';

export const lsfFront: Front = {
  flavor: 'lsf',
  commands: { bsub: bsubCommand, bjobs: bjobsCommand, bkill: bkillCommand, bparams: bparamsCommand },
  launcher: lsfLauncher,
  faultTexts: {
    // What the commands print while mbatchd does not answer.
    statusFail: () => ({ text: 'LSF is down. Please wait...\nbatch system daemon not responding ... still trying\nbjobs: Failed in an LSF library call: Failed in sending/receiving a message: Connection refused', exitCode: 255 }),
    submitFail: () => ({ text: 'Failed in an LSF library call: Failed in sending/receiving a message: Connection refused. Job not submitted.', exitCode: 255 }),
    statusWarning: () => 'Warning: dummy-queue injected warning: mbatchd is slow to answer',
  },
};
