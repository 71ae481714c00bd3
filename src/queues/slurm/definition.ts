/**
 * Slurm: every fact of the flavor that generic code reads through the registry. Its commands
 * and parsers are in commands.ts, its accounting (sacct) in accounting.ts.
 */
import type { FlavorDefinition } from '../flavor-definition.js';
import { slurm } from './commands.js';

export const slurmDefinition: FlavorDefinition = {
  traits: slurm,
  queue: { kind: 'commands', commandFlavor: () => slurm },
  commandNames: slurm.commandNames,
  detection: { rank: 10, command: 'sbatch' },
  jobEnvironment: { prefixes: ['SLURM_', 'SLURMD_', 'SBATCH_'], names: [] },
  failureWords: {
    // sacct's State column.
    states: {
      'out of memory': /^OUT_OF_MEMORY\b/,
      'time limit': /^(TIMEOUT|DEADLINE)\b/,
      'node failure': /^(NODE_FAIL|BOOT_FAIL)\b/,
      preempted: /^PREEMPTED\b/,
      cancelled: /^CANCELLED\b/,
    },
    // States and Reasons (JobHeldUser, JobHeldAdmin) as squeue and sacct print them.
    reasons: {
      'out of memory': /OUT_OF_MEMORY/,
      'time limit': /\bTIMEOUT\b|\bDEADLINE\b/,
      preempted: /PREEMPT/,
      'node failure': /NODE_FAIL|BOOT_FAIL/,
      held: /JobHeld/,
      cancelled: /CANCELLED|scancel/,
    },
  },
  accountingCommand: 'sacct',
};
