/**
 * Splits job ids into groups for commands that take ids as arguments, so that no command line
 * grows past what the system accepts (10^4 ids of 10 characters would be 100 KB) and no single
 * call asks the scheduler for too much at once.
 */
export const DEFAULT_IDS_PER_COMMAND = 500;

export function splitIntoBatches<T>(items: readonly T[], size = DEFAULT_IDS_PER_COMMAND): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
