/** Every scheduler front, by flavor. */
import type { Launchers } from '../engine/dispatcher.js';
import type { Flavor } from '../engine/types.js';
import type { Front } from './common/command.js';
import { sgeFront } from './sge/index.js';
import { slurmFront } from './slurm/index.js';
import { pbsFront } from './pbs/index.js';
import { lsfFront } from './lsf/index.js';
import { htcondorFront } from './htcondor/index.js';

export const FRONTS: Record<Flavor, Front> = {
  sge: sgeFront,
  slurm: slurmFront,
  pbs: pbsFront,
  lsf: lsfFront,
  htcondor: htcondorFront,
};

export function launchers(): Launchers {
  const entries = Object.entries(FRONTS).map(([flavor, front]) => [flavor, front.launcher]);
  return Object.fromEntries(entries) as Launchers;
}
