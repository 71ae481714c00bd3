/**
 * Gates for tests against the real SGE and Slurm daemons on this machine.
 *
 * In CI (.ci/run sets QMR_REAL_SCHEDULERS=required) a real-scheduler test whose daemon cannot
 * be reached FAILS. Elsewhere such tests are skipped, with one line saying how to start the
 * daemons.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

export type RealScheduler = 'sge' | 'slurm' | 'pbs';

export const SLURM_TORQUE_BIN = '/opt/slurm-torque/bin';

const HOW_TO_START = 'start them with `sudo bash scripts/schedulers-up.sh` (Debian 12), or run `bash .ci/run`';

function ask(file: string, args: string[]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return undefined;
  }
}

/** Why the scheduler cannot be used here, or undefined when it can. */
export function unavailableBecause(scheduler: RealScheduler): string | undefined {
  switch (scheduler) {
    case 'sge':
      return ask('qstat', ['-xml']) === undefined ? '`qstat -xml` (SGE) does not answer' : undefined;
    case 'slurm':
      return /UP/.test(ask('scontrol', ['ping']) ?? '') ? undefined : '`scontrol ping` does not say UP';
    case 'pbs':
      if (!existsSync(`${SLURM_TORQUE_BIN}/qsub`)) return `Slurm's PBS wrappers are not in ${SLURM_TORQUE_BIN}`;
      return unavailableBecause('slurm');
  }
}

export const realSchedulersRequired = process.env.QMR_REAL_SCHEDULERS === 'required';

/**
 * describe() for tests that need a real scheduler: runs them when it answers; otherwise fails
 * (CI) or skips them with a note.
 */
export function describeReal(scheduler: RealScheduler, title: string, body: () => void): void {
  const why = unavailableBecause(scheduler);
  if (!why) {
    describe(title, body);
    return;
  }
  if (realSchedulersRequired) {
    describe(title, () => {
      it(`needs real ${scheduler}`, () => {
        throw new Error(`real ${scheduler} is required here (QMR_REAL_SCHEDULERS=required) but ${why}`);
      });
    });
    return;
  }
  process.stderr.write(`[qmr tests] skipping "${title}": ${why}; ${HOW_TO_START}\n`);
  describe.skip(title, body);
}
