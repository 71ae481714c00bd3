/** How Slurm's commands (getopt_long) complain about their command line. */
import type { CommandIO } from '../common/command.js';
import { OptionError } from '../common/options.js';

export function slurmOptionError(io: CommandIO, command: string, error: unknown): number {
  if (!(error instanceof OptionError)) throw error;
  const option = error.option;
  if (error.kind === 'missing-value') {
    io.err(option.startsWith('--') ? `${command}: option '${option}' requires an argument\n` : `${command}: option requires an argument -- '${option.slice(1)}'\n`);
  } else {
    io.err(option.startsWith('--') ? `${command}: unrecognized option '${option}'\n` : `${command}: invalid option -- '${option.slice(1, 2)}'\n`);
  }
  io.err(`Try "${command} --help" for more information\n`);
  return 1;
}
