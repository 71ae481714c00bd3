/**
 * Turns the flavor option into a Queue. Queues are shared per flavor and settings within the
 * process, so that several maps share one status poller (one status call per poll for all).
 */
import type { FlavorName, ResolvedOptions } from '../options.js';
import { CommandQueue } from './command-queue.js';
import { LocalQueue } from './local.js';
import type { CommandFlavor, Queue } from './queue.js';
import { sge } from './sge.js';
import { slurm } from './slurm.js';

export const COMMAND_FLAVORS: Partial<Record<FlavorName, CommandFlavor>> = { sge, slurm };

const shared = new Map<string, Queue>();

export function openQueue(options: ResolvedOptions, flavor: FlavorName): Queue {
  const key = JSON.stringify([flavor, options.commands, options.commandTimeout, flavor === 'local' ? options.concurrency : 0]);
  let queue = shared.get(key);
  if (!queue) {
    queue = createQueue(options, flavor);
    shared.set(key, queue);
  }
  return queue;
}

function createQueue(options: ResolvedOptions, flavor: FlavorName): Queue {
  if (flavor === 'local') return new LocalQueue(options.concurrency);
  const spec = COMMAND_FLAVORS[flavor];
  if (!spec) throw new Error(`the ${flavor} flavor is not available in this version`);
  return new CommandQueue(spec, { commands: options.commands, commandTimeout: options.commandTimeout });
}
