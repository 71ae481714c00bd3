/**
 * HTCondor: every fact of the flavor that generic code reads through the registry. Its commands
 * and parsers are in commands.ts, its accounting (condor_history) in accounting.ts.
 */
import type { FlavorDefinition } from '../flavor-definition.js';
import { htcondor } from './commands.js';

export const htcondorDefinition: FlavorDefinition = {
  traits: htcondor,
  queue: { kind: 'commands', commandFlavor: () => htcondor },
  commandNames: [...htcondor.commandNames, 'condor_status'],
  detection: { rank: 30, command: 'condor_submit' },
  jobEnvironment: { prefixes: ['_CONDOR_'], names: ['CONDOR_CONFIG'] },
  failureWords: {
    // Our own walltime policy removes with PeriodicRemove; condor_rm leaves "Removed".
    states: { 'time limit': /PeriodicRemove/, cancelled: /^Removed\b/ },
    reasons: { preempted: /evicted|vacated/, held: /HoldReason/ },
  },
  accountingCommand: 'condor_history',
};
