import { describe, expect, it } from 'vitest';
import { classifyReason, failureCause, schedulerCause } from '../../src/trace/failure-cause.js';

describe('failure cause', () => {
  it.each([
    ['job 12 (OUT_OF_MEMORY) ended without writing a result: ...', 'out of memory'],
    ['job 12 (EXIT: TERM_MEMLIMIT: job killed after reaching LSF memory usage limit) ended without writing a result', 'out of memory'],
    ['the JavaScript heap ran out of memory: give node a larger heap', 'out of memory'],
    ['job 12 (TIMEOUT) ended without writing a result', 'time limit'],
    ['job 7 (EXIT: TERM_RUNLIMIT: job killed after reaching LSF run time limit) ended without writing a result', 'time limit'],
    ['job 3 (PREEMPTED) ended without writing a result', 'preempted'],
    ['job 3 (NODE_FAIL) ended without writing a result', 'node failure'],
    ['job 3 (UNKWN: mbatchd lost contact with the execution host) ended without writing a result', 'node failure'],
    ['job 3 (CANCELLED by 1000) ended without writing a result', 'cancelled'],
    ['cancelled (map aborted)', 'cancelled'],
    ['job 5 (Held: held by user (HoldReasonCode 1)) was held too long', 'held'],
    ['job 9 left the queue without writing a result (waited 1m for the file)', 'vanished'],
  ])('%s → %s', (reason, cause) => {
    expect(classifyReason(reason)).toBe(cause);
  });

  it('says task error when tasks threw, whatever the reason, and vanished for a reason it cannot place', () => {
    expect(failureCause({ failedTasks: 2, reason: 'TIMEOUT' })).toBe('task error');
    expect(failureCause({ reason: 'something odd happened' })).toBe('vanished');
    expect(failureCause({})).toBeUndefined();
    expect(failureCause({ failedTasks: 0 })).toBeUndefined();
  });
});

describe("failure causes from each flavor's own words (its definition's failureWords)", () => {
  it.each([
    ['job 4 (exceeded h_vmem) ended without writing a result', 'out of memory'], // sge
    ['job 4: h_rt reached', 'time limit'], // sge
    ['job 4 exceeded its walltime', 'time limit'], // pbs
    ['job 4 (DEADLINE) ended without writing a result', 'time limit'], // slurm
    ['job 4 (BOOT_FAIL) ended without writing a result', 'node failure'], // slurm
    ['job 4 (PENDING: JobHeldUser) was held too long', 'held'], // slurm
    ['job 4 (PSUSP) stayed too long', 'held'], // lsf
    ['job 4 (EXIT: TERM_PREEMPT) ended without writing a result', 'preempted'], // lsf
    ['job 4 (EXIT: TERM_OWNER) ended without writing a result', 'cancelled'], // lsf
    ['job 4 was evicted from its machine', 'preempted'], // htcondor
    ['job 4 killed by scancel', 'cancelled'], // slurm
    ['job 4 deleted by qdel', 'cancelled'], // sge, pbs
  ])('%s → %s', (reason, cause) => {
    expect(classifyReason(reason)).toBe(cause);
  });

  it('reads the final states of every flavor with accounting, case and all', () => {
    expect(['DEADLINE', 'BOOT_FAIL', 'PREEMPTED', 'EXIT (TERM_MEMLIMIT: ...)', 'EXIT (TERM_PREEMPT: ...)', 'EXIT (TERM_ADMIN: ...)', 'Removed (PeriodicRemove: walltime)', 'Removed'].map(schedulerCause)).toEqual([
      'time limit', 'node failure', 'preempted', 'out of memory', 'preempted', 'cancelled', 'time limit', 'cancelled',
    ]);
    // States are the schedulers' own words, matched as written: not a reason's free text.
    expect(schedulerCause('cancelled by the user')).toBeUndefined();
    expect(schedulerCause('COMPLETED (was TIMEOUT)')).toBeUndefined();
  });
});
