/**
 * Turns the flavor option into a Queue. Queues are shared per flavor and settings within the
 * process, so that several maps share one status poller (one status call per poll for all).
 */
import { execFileSync } from 'node:child_process';
import { OptionError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { FlavorName } from './flavor-names.js';
import { CommandQueue } from './command-queue.js';
import { htcondor } from './htcondor/commands.js';
import { LocalQueue, localTraits } from './local/local-queue.js';
import { lsf } from './lsf/commands.js';
import { detectPbsDialect, pbsFlavor, type PbsDialect } from './pbs/commands.js';
import type { CommandFlavor, FlavorTraits, Queue } from './queue.js';
import { sge } from './sge/commands.js';
import { slurm } from './slurm/commands.js';

const shared = new Map<string, Queue>();

/** Every command-line flavor, as the rest of qmr may know it before a queue is open (PBS: any dialect). */
const COMMAND_FLAVORS: readonly CommandFlavor[] = [sge, slurm, pbsFlavor('torque'), lsf, htcondor];

/** The traits of the flavor named so (in the flavor option or a run.json), or undefined for a name this qmr does not know. */
export function flavorTraits(name: string): FlavorTraits | undefined {
  return [...COMMAND_FLAVORS, localTraits].find((f) => f.name === name);
}

/** Log names of a flavor this qmr does not know (a newer run.json): any known flavor's. */
export function anyFlavorLogNames(job: string, element: string | undefined): string[] {
  return COMMAND_FLAVORS.flatMap((f) => f.schedulerLogNames(job, element));
}

export function openQueue(options: ResolvedOptions, flavor: FlavorName): Queue {
  const key = JSON.stringify([flavor, options.commands, options.commandTimeout, flavor === 'local' ? options.concurrency : 0, flavor === 'pbs' ? options.pbsDialect : '']);
  let queue = shared.get(key);
  if (!queue) {
    queue = createQueue(options, flavor);
    shared.set(key, queue);
  }
  return queue;
}

function createQueue(options: ResolvedOptions, flavor: FlavorName): Queue {
  if (flavor === 'local') return new LocalQueue(options.concurrency);
  const spec = commandFlavor(flavor, options);
  checkCommandNames(options.commands, spec);
  return new CommandQueue(spec, { commands: options.commands, commandTimeout: options.commandTimeout });
}

/** Scheduler tools a `commands` map may name (a folder of a scheduler's commands has more than one flavor runs). */
const OTHER_TOOLS = ['qacct', 'qhold', 'qrls', 'qalter', 'qmod', 'qhost', 'scontrol', 'sinfo', 'sacct', 'bhist', 'bqueues', 'bparams', 'condor_status', 'condor_history', 'dummyq'];

/** A name no flavor knows is most likely a typo: say so rather than ignore it. */
function checkCommandNames(commands: Readonly<Record<string, string>>, spec: CommandFlavor): void {
  const known = new Set([...COMMAND_FLAVORS.flatMap((f) => f.commandNames), ...OTHER_TOOLS]);
  for (const name of Object.keys(commands)) {
    if (!known.has(name)) {
      throw new OptionError(`commands.${name}`, commands[name], `the path of a scheduler command; the ${spec.name} flavor runs ${spec.commandNames.join(', ')}`);
    }
  }
}

function commandFlavor(flavor: Exclude<FlavorName, 'local'>, options: ResolvedOptions): CommandFlavor {
  switch (flavor) {
    case 'sge':
      return sge;
    case 'slurm':
      return slurm;
    case 'lsf':
      return lsf;
    case 'htcondor':
      return htcondor;
    case 'pbs':
      return pbsFlavor(options.pbsDialect === 'auto' ? askPbsDialect(options.commands.qstat ?? 'qstat') : options.pbsDialect);
  }
}

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
