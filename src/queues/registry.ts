/**
 * Every flavor's definition, by name, and the queues made from them. A new flavor is one line in
 * FLAVOR_DEFINITIONS (and its name in flavor-names.ts): the Record makes a missing line a compile
 * error. Queues are shared per flavor and settings within the process, so that several maps share
 * one status poller (one status call per poll for all).
 */
import { OptionError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { CommandQueue } from './command-queue.js';
import type { FlavorDefinition } from './flavor-definition.js';
import type { FlavorName } from './flavor-names.js';
import { htcondorDefinition } from './htcondor/definition.js';
import { localDefinition } from './local/definition.js';
import { lsfDefinition } from './lsf/definition.js';
import { pbsDefinition } from './pbs/definition.js';
import type { CommandFlavor, FlavorTraits, Queue } from './queue.js';
import { sgeDefinition } from './sge/definition.js';
import { slurmDefinition } from './slurm/definition.js';

export const FLAVOR_DEFINITIONS: Readonly<Record<FlavorName, FlavorDefinition>> = {
  local: localDefinition,
  sge: sgeDefinition,
  slurm: slurmDefinition,
  pbs: pbsDefinition,
  lsf: lsfDefinition,
  htcondor: htcondorDefinition,
};

/** The definitions in the registry's order. */
export function flavorDefinitions(): FlavorDefinition[] {
  return Object.values(FLAVOR_DEFINITIONS);
}

/** The traits of the flavor named so (in the flavor option or a run.json), or undefined for a name this qmr does not know. */
export function flavorTraits(name: string): FlavorTraits | undefined {
  return Object.hasOwn(FLAVOR_DEFINITIONS, name) ? FLAVOR_DEFINITIONS[name as FlavorName].traits : undefined;
}

/** Log names of a flavor this qmr does not know (a newer run.json): any known flavor's. */
export function anyFlavorLogNames(job: string, element: string | undefined): string[] {
  return flavorDefinitions().flatMap((d) => d.traits.schedulerLogNames(job, element));
}

const shared = new Map<string, Queue>();

export function openQueue(options: ResolvedOptions, flavor: FlavorName): Queue {
  const definition = FLAVOR_DEFINITIONS[flavor];
  const key = JSON.stringify([flavor, options.commands, options.commandTimeout, definition.sharingKey?.(options) ?? '']);
  let queue = shared.get(key);
  if (!queue) {
    queue = createQueue(options, definition);
    shared.set(key, queue);
  }
  return queue;
}

function createQueue(options: ResolvedOptions, definition: FlavorDefinition): Queue {
  if (definition.queue.kind === 'own') return definition.queue.open(options);
  const spec = definition.queue.commandFlavor(options);
  checkCommandNames(options.commands, spec);
  return new CommandQueue(spec, { commands: options.commands, commandTimeout: options.commandTimeout });
}

/** Not a scheduler's: the dummy queue's control command, which a test's `commands` map may name beside the fronts. */
const OTHER_TOOLS = ['dummyq'];

/** A name no flavor knows is most likely a typo: say so rather than ignore it. */
function checkCommandNames(commands: Readonly<Record<string, string>>, spec: CommandFlavor): void {
  const known = new Set([...flavorDefinitions().flatMap((d) => d.commandNames), ...OTHER_TOOLS]);
  for (const name of Object.keys(commands)) {
    if (!known.has(name)) {
      throw new OptionError(`commands.${name}`, commands[name], `the path of a scheduler command; the ${spec.name} flavor runs ${spec.commandNames.join(', ')}`);
    }
  }
}
