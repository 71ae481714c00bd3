/**
 * Gates for tests against the real SGE and Slurm daemons on this machine.
 *
 * They submit real jobs (memory kills included), so they run only when asked: on a cluster's
 * login node, where `qstat` answers, a plain `npm test` must not put test jobs in the production
 * queue. QMR_REAL_SCHEDULERS=1 runs them where the daemon answers (skipped otherwise, saying how
 * to start it); QMR_REAL_SCHEDULERS=required (CI: .ci/run) makes a daemon that cannot be reached
 * a failure. Unset, they are skipped with one line saying how to run them, and the daemon is not
 * even asked.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

export type RealScheduler = 'sge' | 'slurm' | 'pbs';

export const SLURM_TORQUE_BIN = '/opt/slurm-torque/bin';

const HOW_TO_START = 'start them with `sudo bash scripts/schedulers-up.sh` (Debian 12), or run `bash .ci/run`';
const HOW_TO_OPT_IN = 'they submit real jobs, so they run only with QMR_REAL_SCHEDULERS=1 (or =required, as CI: a missing daemon then fails)';

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

export type GateDecision = { run: true } | { run: false; fail?: string; skip?: string };

/**
 * Whether real-scheduler tests run, given QMR_REAL_SCHEDULERS and a way to ask the daemon (called
 * only when the tests were asked for: without the opt-in nothing is run against the scheduler).
 */
export function realSchedulerGate(scheduler: RealScheduler, optIn: string | undefined, unavailable: () => string | undefined): GateDecision {
  const wanted = (optIn ?? '').trim().toLowerCase();
  if (wanted === '' || wanted === '0' || wanted === 'false' || wanted === 'no') {
    return { run: false, skip: `real-scheduler tests are opt-in: ${HOW_TO_OPT_IN}` };
  }
  const why = unavailable();
  if (!why) return { run: true };
  if (wanted === 'required') return { run: false, fail: `real ${scheduler} is required here (QMR_REAL_SCHEDULERS=required) but ${why}` };
  return { run: false, skip: `${why}; ${HOW_TO_START}` };
}

/**
 * describe() for tests that need a real scheduler: runs them when asked for (QMR_REAL_SCHEDULERS)
 * and the daemon answers; otherwise fails (required) or skips them with a note saying how.
 */
export function describeReal(scheduler: RealScheduler, title: string, body: () => void): void {
  const gate = realSchedulerGate(scheduler, process.env.QMR_REAL_SCHEDULERS, () => unavailableBecause(scheduler));
  if (gate.run) {
    describe(title, body);
    return;
  }
  if (gate.fail) {
    const message = gate.fail;
    describe(title, () => {
      it(`needs real ${scheduler}`, () => {
        throw new Error(message);
      });
    });
    return;
  }
  process.stderr.write(`[qmr tests] skipping "${title}": ${gate.skip}\n`);
  describe.skip(title, body);
}
