/**
 * PBS (Torque, PBS Professional / OpenPBS, Slurm's PBS wrappers): every fact of the flavor that
 * generic code reads through the registry. Its commands and parsers, per dialect, are in
 * commands.ts, its accounting (qstat -f of finished jobs) in accounting.ts.
 */
import { execFileSync } from 'node:child_process';
import type { FlavorDefinition } from '../flavor-definition.js';
import { detectPbsDialect, pbsFlavor, type PbsDialect } from './commands.js';

/** `qstat --version` tells Torque, PBS Pro and Slurm's wrappers apart; Torque when it says nothing known. */
export function askPbsDialect(qstat: string): PbsDialect {
  let text = '';
  try {
    text = execFileSync(qstat, ['--version'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    text = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  return detectPbsDialect(text) ?? 'torque';
}

/** What the rest of qmr may know before a queue is open: any dialect's (they share names and log templates but for Torque's). */
const anyDialect = pbsFlavor('torque');

export const pbsDefinition: FlavorDefinition = {
  traits: anyDialect,
  queue: {
    kind: 'commands',
    commandFlavor: (options) => pbsFlavor(options.pbsDialect === 'auto' ? askPbsDialect(options.commands.qstat ?? 'qstat') : options.pbsDialect),
  },
  sharingKey: (options) => options.pbsDialect,
  commandNames: anyDialect.commandNames,
  // Grid Engine's qsub says so in `qsub -help`; a qsub that does not is PBS's.
  detection: { rank: 50, command: 'qsub', identify: (qsub) => `found ${qsub}, not a Grid Engine one` },
  jobEnvironment: { prefixes: ['PBS_'], names: [] },
  failureWords: {
    // qstat -f's job_state and Exit_status tell no cause by themselves.
    states: {},
    reasons: { 'time limit': /walltime/, cancelled: /\bqdel\b/ },
  },
  accountingCommand: 'qstat -f',
};
