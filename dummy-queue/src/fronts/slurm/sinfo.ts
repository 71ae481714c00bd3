/**
 * Slurm `sinfo`: one partition (`debug`, the default) on one node with `slots` CPUs. The default
 * table, `--noheader`, and `--format` with %P %a %l %D %t %T %N %C %c (%C: allocated/idle/other/total).
 */
import { isRunning } from '../../engine/jobs.js';
import type { State } from '../../engine/types.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { hasOption, lastValue, parseCommandLine, type OptionTable } from '../common/options.js';
import { slurmOptionError } from './errors.js';

const OPTIONS: OptionTable = {
  '-h': { values: 0 }, '--noheader': { values: 0 }, '-o': { values: 1 }, '--format': { values: 1 },
  '-p': { values: 1 }, '--partition': { values: 1 }, '-N': { values: 0 }, '--Node': { values: 0 }, '-s': { values: 0 }, '--summarize': { values: 0 },
};

const DEFAULT_FORMAT = '%9P %5a %.10l %.6D %.6t %N';
const HEADERS: Record<string, string> = { P: 'PARTITION', a: 'AVAIL', l: 'TIMELIMIT', D: 'NODES', t: 'STATE', T: 'STATE', N: 'NODELIST', C: 'CPUS(A/I/O/T)', c: 'CPUS' };

function render(format: string, values: Record<string, string>): string {
  return format.replace(/%(\.)?(\d+)?([A-Za-z])/g, (_, right: string | undefined, width: string | undefined, letter: string) => {
    const value = values[letter] ?? '';
    if (width === undefined) return value;
    const cut = value.slice(0, Number(width));
    return right ? cut.padStart(Number(width)) : cut.padEnd(Number(width));
  });
}

function values(state: State): Record<string, string> {
  const used = state.jobs.reduce((n, job) => n + job.tasks.filter(isRunning).length, 0);
  const total = state.settings.slots;
  const nodeState = used === 0 ? 'idle' : used >= total ? 'alloc' : 'mix';
  return {
    P: 'debug*', a: 'up', l: 'infinite', D: '1', t: nodeState, T: nodeState, N: state.settings.hostname,
    C: `${Math.min(used, total)}/${Math.max(0, total - used)}/0/${total}`, c: String(total),
  };
}

async function sinfo(io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(io.args, OPTIONS, 'gnu');
  } catch (error) {
    return slurmOptionError(io, 'sinfo', error);
  }
  const state = await io.transact((s) => s);
  const format = lastValue(parsed, '-o', '--format') ?? DEFAULT_FORMAT;
  const header = hasOption(parsed, '-h', '--noheader') ? '' : `${render(format, HEADERS)}\n`;
  io.out(`${header}${render(format, values(state))}\n`);
  return 0;
}

export const sinfoCommand: CommandDef = { kind: 'status', run: sinfo };
