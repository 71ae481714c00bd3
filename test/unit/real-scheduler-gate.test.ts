import { describe, expect, it } from 'vitest';
import { realSchedulerGate } from '../helpers/real-schedulers.js';

// The gate of test/real: a newcomer's `npm test` on a login node, where qstat answers, must not
// submit to the production queue; CI (QMR_REAL_SCHEDULERS=required) must fail without a daemon.
describe('real-scheduler test gate', () => {
  const answers = () => undefined;
  const silent = () => '`qstat -xml` (SGE) does not answer';
  const mustNotAsk = () => {
    throw new Error('the daemon was asked without the opt-in');
  };

  it('skips without QMR_REAL_SCHEDULERS even where the daemon answers, without asking it, and says how to opt in', () => {
    for (const optIn of [undefined, '', '0', 'false']) {
      const gate = realSchedulerGate('sge', optIn, mustNotAsk);
      expect(gate.run).toBe(false);
      expect(gate).toMatchObject({ skip: expect.stringContaining('QMR_REAL_SCHEDULERS=1') });
      expect(gate).not.toHaveProperty('fail');
    }
    expect(realSchedulerGate('slurm', undefined, answers).run).toBe(false);
  });

  it('runs with QMR_REAL_SCHEDULERS=1 where the daemon answers, and skips saying how to start it where it does not', () => {
    expect(realSchedulerGate('sge', '1', answers)).toEqual({ run: true });
    const gate = realSchedulerGate('sge', '1', silent);
    expect(gate).toMatchObject({ run: false, skip: expect.stringContaining('schedulers-up.sh') });
    expect(gate).toMatchObject({ skip: expect.stringContaining('does not answer') });
    expect(gate).not.toHaveProperty('fail');
  });

  it('runs with QMR_REAL_SCHEDULERS=required where the daemon answers, and fails naming the reason where it does not', () => {
    expect(realSchedulerGate('slurm', 'required', answers)).toEqual({ run: true });
    const gate = realSchedulerGate('sge', 'required', silent);
    expect(gate.run).toBe(false);
    expect(gate).toMatchObject({ fail: expect.stringMatching(/real sge is required.*does not answer/) });
  });
});
