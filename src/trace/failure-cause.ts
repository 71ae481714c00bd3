/**
 * The cause of a failed job attempt or chunk in one of a few words, from the free text the
 * journal records ('retire' and 'failed' reasons, which carry the scheduler's own words) and from
 * whether tasks threw. Pure. The words are few on purpose: they are for sorting and counting
 * failures in a trace, not for replacing the reason, which the trace keeps alongside.
 */
export const FAILURE_CAUSES = ['out of memory', 'time limit', 'preempted', 'node failure', 'cancelled', 'held', 'vanished', 'task error'] as const;
export type FailureCause = (typeof FAILURE_CAUSES)[number];

/** First match wins: memory and time limits before 'cancelled', since schedulers cancel jobs that hit them. */
const PATTERNS: Array<[FailureCause, RegExp]> = [
  ['out of memory', /OUT_OF_MEMORY|out of memory|TERM_MEMLIMIT|memory (usage )?limit|h_vmem|heap limit|OOM|oom-kill|Failed to reserve virtual memory/i],
  ['time limit', /\bTIMEOUT\b|TERM_RUNLIMIT|TERM_CPULIMIT|\bDEADLINE\b|time ?limit|h_rt|walltime|run ?time limit|CPU (usage |time )?limit/i],
  ['preempted', /PREEMPT|TERM_PREEMPT|evicted|vacated/i],
  ['node failure', /NODE_FAIL|BOOT_FAIL|node fail|host (was )?unreachable|lost contact|execution host|killed or requeued while its host/i],
  ['held', /\bheld\b|\bhold\b|JobHeld|PSUSP|HoldReason/i],
  ['cancelled', /CANCELLED|cancelled|canceled|removed|\bqdel\b|scancel|TERM_OWNER|TERM_ADMIN/i],
  ['vanished', /left the queue without writing a result|ended without writing a result|not in the queue|missing|vanished|gone/i],
];

/** The cause of an attempt that ended without a result, from its journal reason. */
export function classifyReason(reason: string): FailureCause | undefined {
  for (const [cause, pattern] of PATTERNS) if (pattern.test(reason)) return cause;
  return undefined;
}

/**
 * The cause for a trace row: tasks that threw are a task error (the job itself ran fine);
 * otherwise the reason's words; a reason that names none of them is still a failure, and an
 * attempt that left no result without saying more has vanished.
 */
export function failureCause(evidence: { reason?: string | undefined; failedTasks?: number | undefined }): FailureCause | undefined {
  if (evidence.failedTasks !== undefined && evidence.failedTasks > 0) return 'task error';
  if (evidence.reason === undefined) return undefined;
  return classifyReason(evidence.reason) ?? 'vanished';
}

/**
 * Final states of the schedulers' accounting that name a cause outright (sacct's OUT_OF_MEMORY,
 * TIMEOUT, NODE_FAIL; LSF's TERM_* exit reasons; our own HTCondor walltime policy, which removes
 * with PeriodicRemove). SGE's `failed 37` names h_rt, h_cpu and h_vmem at once, and an exit status
 * of 137 is any SIGKILL: neither tells a cause, so they are left to the journal's reason.
 */
const SCHEDULER_STATES: Array<[FailureCause, RegExp]> = [
  ['out of memory', /^OUT_OF_MEMORY\b|TERM_MEMLIMIT/],
  ['time limit', /^(TIMEOUT|DEADLINE)\b|TERM_RUNLIMIT|TERM_CPULIMIT|PeriodicRemove/],
  ['node failure', /^(NODE_FAIL|BOOT_FAIL)\b/],
  ['preempted', /^PREEMPTED\b|TERM_PREEMPT/],
  ['cancelled', /^CANCELLED\b|TERM_OWNER|TERM_ADMIN|^Removed\b/],
];

export function schedulerCause(state: string): FailureCause | undefined {
  for (const [cause, pattern] of SCHEDULER_STATES) if (pattern.test(state)) return cause;
  return undefined;
}
