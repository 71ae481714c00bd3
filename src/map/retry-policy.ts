/**
 * Retry by cause: a job killed for running past its memory or time request would die the same
 * way if resubmitted as it was, so by default it is resubmitted with the request doubled (up to
 * a cap, if one is set), as Nextflow users write `memory { 2.GB * task.attempt }`. Preempted,
 * node-failure and vanished jobs are resubmitted as they were (the chunk tracker's rules);
 * tasks that threw are not resubmitted at all (their error is the result).
 *
 * The `retry` option:
 *   retry: { outOfMemory: { factor: 2, max: '64G' }, timeLimit: { factor: 2, max: '2-00:00:00' } }   (the default: factor 2, no cap)
 *   retry: { outOfMemory: false }          give up on a chunk that ran out of memory (the old behaviour)
 *   retry: ({ cause, attempt, resources }) => ({ ...resources, memory: `${4 * attempt}G` })   (or false: give up)
 * Every resubmission counts toward maxResubmissions. Pure: options in, requests out.
 */
import { OptionError } from '../errors.js';
import { parseMemoryMegabytes, parseWalltimeSeconds, type Resources } from '../options.js';

/** Which request a job ran past, as the scheduler (or the job's own log) tells. */
export type ResourceLimit = 'memory' | 'walltime';

export interface RaiseRule {
  /** Multiply the request by this after each such failure. Default 2. */
  factor?: number;
  /** Never ask for more than this (memory: megabytes or '64G'; walltime: seconds or 'HH:MM:SS'). */
  max?: number | string;
}

export interface RetryRules {
  /** After a job ran out of memory: raise resources.memory, or false to give up on the chunk. */
  outOfMemory?: RaiseRule | false;
  /** After a job reached its time limit: raise resources.walltime, or false to give up. */
  timeLimit?: RaiseRule | false;
}

export interface RetryFailure {
  cause: 'out of memory' | 'time limit';
  /** The attempt that failed, counting from 1. */
  attempt: number;
  /** What that attempt asked for. */
  resources: Resources;
}

/** Returns the next attempt's resources, or false to give up on the chunk. */
export type RetryFunction = (failure: RetryFailure) => Resources | false;

export type RetryOption = RetryRules | RetryFunction;

interface ResolvedRule {
  factor: number;
  /** In megabytes (memory) or seconds (walltime). */
  max: number | undefined;
}

export type RetryPolicy =
  | { kind: 'rules'; memory: ResolvedRule | undefined; walltime: ResolvedRule | undefined }
  | { kind: 'function'; fn: RetryFunction };

export const DEFAULT_RAISE_FACTOR = 2;

export function resolveRetry(value: unknown): RetryPolicy {
  if (typeof value === 'function') return { kind: 'function', fn: value as RetryFunction };
  if (value === undefined) return { kind: 'rules', memory: { factor: DEFAULT_RAISE_FACTOR, max: undefined }, walltime: { factor: DEFAULT_RAISE_FACTOR, max: undefined } };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OptionError('retry', value, 'an object like { outOfMemory: { factor: 2, max: \'64G\' }, timeLimit: false }, or a function ({ cause, attempt, resources }) => resources or false');
  }
  const rules = value as Record<string, unknown>;
  for (const key of Object.keys(rules)) {
    if (key !== 'outOfMemory' && key !== 'timeLimit') throw new OptionError(`retry.${key}`, rules[key], 'left out: retry has only outOfMemory and timeLimit');
  }
  return {
    kind: 'rules',
    memory: resolveRule('retry.outOfMemory', rules.outOfMemory, parseMemoryMegabytes),
    walltime: resolveRule('retry.timeLimit', rules.timeLimit, parseWalltimeSeconds),
  };
}

function resolveRule(name: string, value: unknown, parseMax: (v: unknown) => number): ResolvedRule | undefined {
  if (value === false) return undefined;
  if (value === undefined) return { factor: DEFAULT_RAISE_FACTOR, max: undefined };
  if (value === null || typeof value !== 'object') throw new OptionError(name, value, '{ factor, max } or false');
  const rule = value as Record<string, unknown>;
  for (const key of Object.keys(rule)) if (key !== 'factor' && key !== 'max') throw new OptionError(`${name}.${key}`, rule[key], 'left out: a rule has only factor and max');
  const factor = rule.factor ?? DEFAULT_RAISE_FACTOR;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 1) throw new OptionError(`${name}.factor`, factor, 'a number above 1');
  let max: number | undefined;
  if (rule.max !== undefined) {
    try {
      max = parseMax(rule.max);
    } catch {
      throw new OptionError(`${name}.max`, rule.max, name.endsWith('Memory') ? "megabytes or a string like '64G'" : "seconds or 'HH:MM:SS'");
    }
  }
  return { factor, max };
}

export type RaiseDecision = { resources: Resources; change: string } | { refused: string };

/**
 * The chunk tracker's and the worker fleet's `raise`: the policy applied to an attempt's request,
 * the map's resources when the attempt asked for nothing of its own.
 */
export function requestRaiser(policy: RetryPolicy, mapResources: Resources) {
  return (limit: ResourceLimit, attempt: number, current: Resources | undefined): RaiseDecision =>
    raiseRequest(policy, limit, attempt, current ?? mapResources);
}

/**
 * The request for the next attempt of a chunk whose attempt number `attempt` ran past `limit`
 * while asking for `current`; or why there is none (the rule is off, no request to raise, at the cap).
 */
export function raiseRequest(policy: RetryPolicy, limit: ResourceLimit, attempt: number, current: Resources): RaiseDecision {
  const cause = limit === 'memory' ? 'out of memory' : 'time limit';
  if (policy.kind === 'function') {
    const next = policy.fn({ cause, attempt, resources: { ...current } });
    if (next === false || next === undefined || next === null) return { refused: 'the retry function gave up' };
    return { resources: next, change: describeChange(current, next) };
  }
  const rule = limit === 'memory' ? policy.memory : policy.walltime;
  const option = limit === 'memory' ? 'outOfMemory' : 'timeLimit';
  if (!rule) return { refused: `retry.${option} is false` };
  const asked = current[limit];
  if (asked === undefined) {
    return { refused: `it ran with the site's default ${limit}, which qmr cannot raise: set resources.${limit}` };
  }
  const now = limit === 'memory' ? parseMemoryMegabytes(asked) : parseWalltimeSeconds(asked);
  if (rule.max !== undefined && now >= rule.max) return { refused: `resources.${limit} is already at retry.${option}.max` };
  const raised = Math.min(Math.ceil(now * rule.factor), rule.max ?? Infinity);
  const next: Resources = { ...current, [limit]: limit === 'memory' ? `${raised}M` : raised };
  return { resources: next, change: describeChange(current, next) };
}

function describeChange(before: Resources, after: Resources): string {
  const changed = (['memory', 'walltime', 'cpus', 'queue'] as const)
    .filter((key) => before[key] !== after[key])
    .map((key) => `${key} ${inOneUnit(key, before[key])} → ${inOneUnit(key, after[key])}`)
    .filter((change) => !/^\S+ (.*) → \1$/.test(change)); // '1G' and '1024M' are the same request
  return changed.length > 0 ? changed.join(', ') : 'the same request';
}

/**
 * A request in one unit per quantity, so that a change reads as one ('memory 1G → 2048M' and
 * 'walltime 00:10:00 → 1200' did not): memory in megabytes, walltime as H:MM:SS.
 */
function inOneUnit(key: 'memory' | 'walltime' | 'cpus' | 'queue', value: unknown): string {
  if (value === undefined) return '(default)';
  try {
    if (key === 'memory') return `${parseMemoryMegabytes(value)}M`;
    if (key === 'walltime') return clock(parseWalltimeSeconds(value));
  } catch {
    // a request the parsers do not read (a retry function's own spelling): as it was given
  }
  return String(value);
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}
