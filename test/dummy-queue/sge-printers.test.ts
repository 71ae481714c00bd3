/**
 * The SGE printers are pure: given the same jobs as in the captured situations, they must print
 * the captured qstat outputs byte for byte.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyState } from '../../dummy-queue/src/engine/state-file.js';
import type { Job, State, Task } from '../../dummy-queue/src/engine/types.js';
import { buildListing } from '../../dummy-queue/src/fronts/sge/listing.js';
import { formatQstatTable } from '../../dummy-queue/src/fronts/sge/qstat-table.js';
import { formatQstatXml } from '../../dummy-queue/src/fronts/sge/qstat-xml.js';
import { formatTaskSet, parseTaskRange } from '../../dummy-queue/src/fronts/sge/task-range.js';
import { fixture } from './helpers.js';

beforeAll(() => {
  // The fixtures were captured on a machine running in UTC and print local time.
  process.env.TZ = 'UTC';
});

const at = (hms: string) => Date.parse(`2026-11-22T${hms}Z`);

function job(id: number, name: string, submit: string, tasks: Partial<Task>[], extra: Partial<Job> = {}): Job {
  return {
    id, flavor: 'sge', name, owner: 'root', queue: 'all.q', script: null, scriptName: name, args: [], env: {}, explicitEnv: {},
    submitDir: '/tmp', cwd: '/tmp', stdout: null, stderr: null, join: false, array: null, chunkSpec: null,
    submitTime: at(submit), attributes: { slots: 1 },
    tasks: tasks.map((t) => ({ index: null, state: 'pending', ...t })),
    ...extra,
  };
}

const array = (first: number, last: number) => ({ indices: Array.from({ length: last - first + 1 }, (_, i) => first + i), first, last, step: 1 });

/** The jobs of the "mixed" captures (qstat-xml-mixed.xml and friends). */
function mixedState(options: { suspendTask3?: boolean } = {}): State {
  const state = emptyState({ hostname: 'vm' });
  state.jobs = [
    job(62, 'badwd', '04:33:19', [{ state: 'error', message: "can't chdir to /nonexistent: No such file or directory" }]),
    job(63, 'mixarray', '04:33:26', [
      { index: 1, state: 'finished', outcome: 'exited', exitCode: 0, endTime: at('04:33:27') },
      { index: 2, state: 'running', startTime: at('04:33:26') },
      { index: 3, state: options.suspendTask3 ? 'suspended' : 'running', startTime: at('04:33:27') },
      { index: 4, state: 'pending' },
      { index: 5, state: 'pending' },
      { index: 6, state: 'held', holdCause: 'user' },
    ], { array: array(1, 6) }),
    job(64, 'pending1', '04:33:38', [{}]),
    job(65, 'pending2', '04:33:38', [{}]),
    job(66, 'heldjob', '04:33:38', [{ state: 'held', holdCause: 'submitted-held' }]),
    job(67, 'userjob', '04:33:38', [{}], { owner: 'sgetest' }),
    job(68, 'pendarray', '04:33:38', [1, 2, 3].map((index) => ({ index })), { array: array(1, 3) }),
  ];
  return state;
}

function pendingRunningState(deleting = false): State {
  const state = emptyState({ hostname: 'vm' });
  state.jobs = [
    job(72, 'run1', '04:34:36', [{ state: 'running', startTime: at('04:34:36'), ...(deleting ? { cancelRequestedAt: at('04:34:40') } : {}) }]),
    job(73, 'run2', '04:34:36', [{ state: 'running', startTime: at('04:34:36') }]),
    job(74, 'wait1', '04:34:38', [{}]),
  ];
  return state;
}

describe('SGE qstat printers against captured output', () => {
  const root = { users: ['root'] } as const;

  it('qstat -xml with no jobs', async () => {
    expect(formatQstatXml(buildListing(emptyState(), root))).toBe(await fixture('sge', 'qstat-xml-empty.xml'));
  });

  it('qstat -xml, mixed states (r, qw, hqw, Eqw, array task groups)', async () => {
    expect(formatQstatXml(buildListing(mixedState(), root))).toBe(await fixture('sge', 'qstat-xml-mixed.xml'));
  });

  it("qstat -xml -u '*' shows the other user's job too", async () => {
    expect(formatQstatXml(buildListing(mixedState(), { users: '*' }))).toBe(await fixture('sge', 'qstat-xml-u-all-mixed.xml'));
  });

  it('qstat -xml with a suspended array task', async () => {
    expect(formatQstatXml(buildListing(mixedState({ suspendTask3: true }), root))).toBe(await fixture('sge', 'qstat-xml-suspended-task.xml'));
  });

  it('qstat -xml, two running and one waiting', async () => {
    expect(formatQstatXml(buildListing(pendingRunningState(), root))).toBe(await fixture('sge', 'qstat-xml-pending-running.xml'));
  });

  it('qstat -xml right after qdel of a running job (dr)', async () => {
    expect(formatQstatXml(buildListing(pendingRunningState(true), root))).toBe(await fixture('sge', 'qstat-xml-running-job-being-deleted.xml'));
  });

  it('qstat -xml with a job in Eqw', async () => {
    const state = emptyState({ hostname: 'vm' });
    state.jobs = [mixedState().jobs[0]!];
    expect(formatQstatXml(buildListing(state, root))).toBe(await fixture('sge', 'qstat-xml-eqw.xml'));
  });

  it('plain qstat tables', async () => {
    expect(formatQstatTable(buildListing(mixedState(), root))).toBe(await fixture('sge', 'qstat-mixed.txt'));
    expect(formatQstatTable(buildListing(pendingRunningState(), root))).toBe(await fixture('sge', 'qstat-pending-running.txt'));
    expect(formatQstatTable(buildListing(emptyState(), root))).toBe('');
  });
});

describe('SGE task ranges', () => {
  it('parses -t like qsub', () => {
    expect(parseTaskRange('1-10:2')).toMatchObject({ first: 1, last: 10, step: 2, indices: [1, 3, 5, 7, 9] });
    expect(parseTaskRange('5')).toMatchObject({ indices: [5] });
    expect(parseTaskRange('0-3')).toBeUndefined();
    expect(parseTaskRange('x')).toBeUndefined();
  });

  it('prints pending groups in both shapes SGE uses', () => {
    expect(formatTaskSet([1, 2, 3], 1)).toBe('1-3:1');
    expect(formatTaskSet([4, 5], 1)).toBe('4,5');
    expect(formatTaskSet([6], 1)).toBe('6');
    expect(formatTaskSet([1, 2, 3, 7, 9, 10, 11, 12], 1)).toBe('1-3:1,7,9-12:1');
  });
});
