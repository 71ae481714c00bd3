import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { resolveOptions } from '../../src/options.js';
import type { JobStatus, Queue } from '../../src/queues/queue.js';
import { openQueue } from '../../src/queues/registry.js';
import { describeReal } from '../helpers/real-schedulers.js';
import { realAccountingScenario } from './accounting-scenario.js';
import { realElasticScenarios } from './elastic-scenarios.js';
import { realRerunScenarios } from './rerun-scenarios.js';
import { realRetryScenarios } from './retry-scenarios.js';
import { realInterruptionScenarios, realScenarios, type RealFlavor, type TroubleScenario } from './scenarios.js';
import { slurmJobs, squeueIds } from './slurm-jobs.js';

const run = promisify(execFile);

/**
 * Slurm's held state, for real: `sbatch --hold` for a map that is always held; for a map held
 * once, its first jobs wait (--begin) long enough to be held from outside with `scontrol hold`.
 */
const held: TroubleScenario = {
  shows: /JobHeldUser|JobHeldAdmin/,
  async setUp(_folder, times) {
    if (times === 'always') return { options: { submitArgs: ['--hold'], heldTimeout: 1000 }, onProgress: async () => undefined };
    let holds = 0;
    return {
      options: { submitArgs: ['--begin=now+4'], heldTimeout: 1000 },
      onProgress: async (p, jobName) => {
        if (holds >= times || p.chunksPending === 0) return;
        const ids = await squeueIds(jobName, 'PENDING');
        if (ids.length === 0) return;
        holds += 1;
        await run('scontrol', ['hold', ...ids]).catch(() => undefined);
      },
    };
  },
};

const real: RealFlavor = {
  flavor: 'slurm',
  arrays: true,
  ...slurmJobs,
  deleteFromOutside: async (id) => {
    await run('scancel', [id]);
  },
  trouble: held,
};

describeReal('slurm', 'real Slurm on this machine', () => {
  realScenarios(real);
  realInterruptionScenarios(real);
  realElasticScenarios(real);
  realRerunScenarios(real);
  realAccountingScenario(real, {
    completed: /^COMPLETED$/,
    exited3: /^FAILED$/,
    ...(slurmAccounting() === 'none' ? { noAccounting: /keeps no accounting/ } : {}),
  });
  // The cgroup (ConstrainRAMSpace) kills at --mem; slurmctld ends jobs past --time, checked
  // every 30 s and at minute granularity: a 60 s limit ends a 100 s task after 60-90 s.
  realRetryScenarios(real, {
    memory: { request: '200M', taskMegabytes: 300 },
    memoryShows: /OUT_OF_MEMORY/,
    walltime: { request: 60, taskSeconds: 100 },
  });

  // The maps above never need sacct here: finished jobs stay in squeue for MinJobAge (600 s).
  // On sites where a map outlives MinJobAge (or is resumed later) they come from sacct, so its
  // real output is read here, for jobs that ended every way. .ci/run runs this file a second
  // time with Slurm reconfigured without accounting, for the other branch.
  const submit = async (...args: string[]) =>
    (await run('sbatch', ['--parsable', '--job-name=qmr-hist', '--output=/dev/null', ...args])).stdout.trim().split(';')[0]!;
  if (slurmAccounting() !== 'none') {
    it('reads real sacct history: success, non-zero exit, cancelled', async () => {
      const queue = openQueue(resolveOptions({ flavor: 'slurm' }), 'slurm');
      const ok = await submit('--wrap', 'true');
      const bad = await submit('--wrap', 'exit 3');
      const cancelled = await submit('--begin=now+600', '--wrap', 'true');
      await run('scancel', [cancelled]);
      let history = new Map<string, JobStatus>();
      for (let i = 0; i < 100; i++) {
        history = await queue.history([ok, bad, cancelled]);
        if ([ok, bad, cancelled].every((id) => history.get(id)?.state === 'finished')) break;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(history.get(ok)).toMatchObject({ state: 'finished', outcome: 'success', native: 'COMPLETED' });
      expect(history.get(bad)).toMatchObject({ state: 'finished', outcome: 'failure', native: 'FAILED (ExitCode 3:0)' });
      expect(history.get(cancelled)).toMatchObject({ state: 'finished', outcome: 'failure' });
      expect(history.get(cancelled)!.native).toMatch(/^CANCELLED/);
    });
  } else {
    it('without accounting: sacct is asked once, then history is off and the grace period decides', async () => {
      const queue = openQueue(resolveOptions({ flavor: 'slurm', commandTimeout: 30_000 }), 'slurm') as Queue & {
        historyAvailable: boolean;
        calls: Record<string, number>;
      };
      const ok = await submit('--wrap', 'true');
      const sacctCalls = () => Object.entries(queue.calls).filter(([file]) => file.endsWith('sacct')).reduce((n, [, c]) => n + c, 0);
      const before = sacctCalls();
      expect(await queue.history([ok])).toEqual(new Map());
      expect(queue.historyAvailable).toBe(false);
      expect(await queue.history([ok])).toEqual(new Map());
      expect(sacctCalls() - before).toBe(1);
    });
  }
});

/** Slurm's AccountingStorageType, as the running slurmctld reports it: 'none', 'slurmdbd', ... */
function slurmAccounting(): string | undefined {
  const config = execFileSync('scontrol', ['show', 'config'], { encoding: 'utf8' });
  return /AccountingStorageType\s*=\s*accounting_storage\/(\w+)/.exec(config)?.[1];
}
