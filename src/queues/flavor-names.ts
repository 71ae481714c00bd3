/**
 * The flavors this qmr knows, by the name the `flavor` option and run.json use. A new flavor
 * adds its name here, its own folder (src/queues/<flavor>/), and its line in registry.ts.
 */
export const FLAVORS = ['local', 'sge', 'slurm', 'pbs', 'lsf', 'htcondor'] as const;
export type FlavorName = (typeof FLAVORS)[number];
