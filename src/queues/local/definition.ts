/**
 * The local flavor: chunks run as processes of this machine, no scheduler. What generic code
 * reads of it through the registry; it is what flavor: 'auto' falls back to, so it has no
 * detection, and it has no scheduler's commands, variables, logs or accounting.
 */
import type { FlavorDefinition } from '../flavor-definition.js';
import { LocalQueue, localTraits } from './local-queue.js';

export const localDefinition: FlavorDefinition = {
  traits: localTraits,
  queue: { kind: 'own', open: (options) => new LocalQueue(options.concurrency) },
  sharingKey: (options) => options.concurrency,
  commandNames: [],
  jobEnvironment: { prefixes: [], names: [] },
  failureWords: { states: {}, reasons: {} },
};
