import { describe, expect, it } from 'vitest';
import { classifyReason, failureCause } from '../../src/trace/failure-cause.js';

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
