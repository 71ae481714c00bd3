/**
 * IBM Spectrum LSF: every fact of the flavor that generic code reads through the registry. Its
 * commands and parsers are in commands.ts, its accounting (bjobs -l style fields) in accounting.ts.
 */
import type { FlavorDefinition } from '../flavor-definition.js';
import { lsf } from './commands.js';

export const lsfDefinition: FlavorDefinition = {
  traits: lsf,
  queue: { kind: 'commands', commandFlavor: () => lsf },
  commandNames: [...lsf.commandNames, 'bhist', 'bqueues'],
  detection: { rank: 20, command: 'bsub' },
  jobEnvironment: { prefixes: ['LSB_', 'LSF_'], names: [] },
  failureWords: {
    // bjobs' exit_reason (TERM_*).
    states: {
      'out of memory': /TERM_MEMLIMIT/,
      'time limit': /TERM_RUNLIMIT|TERM_CPULIMIT/,
      preempted: /TERM_PREEMPT/,
      cancelled: /TERM_OWNER|TERM_ADMIN/,
    },
    reasons: {
      'out of memory': /TERM_MEMLIMIT/,
      'time limit': /TERM_RUNLIMIT|TERM_CPULIMIT/,
      preempted: /TERM_PREEMPT/,
      held: /PSUSP/,
      cancelled: /TERM_OWNER|TERM_ADMIN/,
    },
  },
  accountingCommand: 'bjobs',
};
