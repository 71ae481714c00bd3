/**
 * The cause of a failed job attempt or chunk in one of a few words, from the free text the
 * journal records ('retire' and 'failed' reasons, which carry the scheduler's own words) and from
 * whether tasks threw. Pure. The words are few on purpose: they are for sorting and counting
 * failures in a trace, not for replacing the reason, which the trace keeps alongside.
 */
import { flavorDefinitions } from '../queues/registry.js';

export const FAILURE_CAUSES = ['out of memory', 'time limit', 'preempted', 'node failure', 'cancelled', 'held', 'vanished', 'task error'] as const;
export type FailureCause = (typeof FAILURE_CAUSES)[number];

/**
 * Words for each cause that are no scheduler's own: qmr's reasons, the kernel's and node's, plain
 * English. Each flavor adds its scheduler's words (its definition's failureWords.reasons).
 * First cause that matches wins, in this order: memory and time limits before 'cancelled', since
 * schedulers cancel jobs that hit them.
 */
const REASON_WORDS: Array<[FailureCause, RegExp | undefined]> = [
  ['out of memory', /out of memory|memory (usage )?limit|heap limit|OOM|oom-kill|Failed to reserve virtual memory/i],
  ['time limit', /time ?limit|run ?time limit|CPU (usage |time )?limit/i],
  ['preempted', undefined],
  ['node failure', /node fail|host (was )?unreachable|lost contact|execution host|killed or requeued while its host/i],
  ['held', /\bheld\b|\bhold\b/i],
  ['cancelled', /cancelled|canceled|removed/i],
  ['vanished', /left the queue without writing a result|ended without writing a result|not in the queue|missing|vanished|gone/i],
];

/** Each cause's words with every flavor's added, as one pattern a cause (made on first use: the registry loads the flavors). */
function withFlavorWords(words: Array<[FailureCause, RegExp | undefined]>, kind: 'states' | 'reasons', flags: string): Array<[FailureCause, RegExp]> {
  return words.map(([cause, own]) => {
    const sources = [own, ...flavorDefinitions().map((d) => d.failureWords[kind][cause])].filter((p): p is RegExp => p !== undefined).map((p) => `(?:${p.source})`);
    return [cause, sources.length > 0 ? new RegExp(sources.join('|'), flags) : /(?!)/];
  });
}

let reasonPatterns: Array<[FailureCause, RegExp]> | undefined;

/** The cause of an attempt that ended without a result, from its journal reason. */
export function classifyReason(reason: string): FailureCause | undefined {
  reasonPatterns ??= withFlavorWords(REASON_WORDS, 'reasons', 'i');
  for (const [cause, pattern] of reasonPatterns) if (pattern.test(reason)) return cause;
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
 * Final states of the schedulers' accounting that name a cause outright: each flavor's own
 * (its definition's failureWords.states), asked in this order of causes. A state no flavor
 * names is left to the journal's reason.
 */
const STATE_CAUSES: Array<[FailureCause, undefined]> = [
  ['out of memory', undefined],
  ['time limit', undefined],
  ['node failure', undefined],
  ['preempted', undefined],
  ['cancelled', undefined],
];

let statePatterns: Array<[FailureCause, RegExp]> | undefined;

export function schedulerCause(state: string): FailureCause | undefined {
  statePatterns ??= withFlavorWords(STATE_CAUSES, 'states', '');
  for (const [cause, pattern] of statePatterns) if (pattern.test(state)) return cause;
  return undefined;
}
