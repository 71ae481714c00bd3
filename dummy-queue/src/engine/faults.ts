/**
 * Fault injection, the same for every front. Job faults pick tasks by selector and fire when the
 * engine reaches the matching moment (submit for `held`, start for the others); command faults
 * fire on calls of status or submit commands. Each firing uses one of the fault's `times` and is
 * logged in `state.fired`, which tests read.
 */
import { globMatches } from './glob.js';
import { taskChunk } from './jobs.js';
import type { CommandFaultKind, Fault, FaultKind, FaultSpec, Job, JobFaultKind, State, Task } from './types.js';

const JOB_KINDS: readonly JobFaultKind[] = ['error', 'fail', 'held', 'vanish', 'suspend', 'earlyGone', 'limit', 'transferIn', 'transferOut'];
const STATUS_KINDS: readonly CommandFaultKind[] = ['statusFail', 'statusHang', 'statusWarning'];
const SUBMIT_KINDS: readonly CommandFaultKind[] = ['submitFail'];
const ALL_KINDS: readonly FaultKind[] = [...JOB_KINDS, ...STATUS_KINDS, ...SUBMIT_KINDS];

const KNOWN_KEYS = new Set([
  'kind', 'times', 'chunk', 'arrayIndex', 'name', 'jobId', 'every', 'command', 'seconds', 'after', 'message', 'exitCode', 'stream', 'resource',
]);

function isCount(value: unknown, minimum: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= minimum;
}

/** Checks a fault given by a user; throws with a readable message. */
export function checkFaultSpec(spec: unknown): FaultSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new Error('a fault must be a JSON object');
  const f = spec as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (!KNOWN_KEYS.has(key)) throw new Error(`unknown fault field ${JSON.stringify(key)}`);
  }
  if (!ALL_KINDS.includes(f.kind as FaultKind)) throw new Error(`fault kind must be one of ${ALL_KINDS.join(', ')}`);
  for (const key of ['times', 'every', 'jobId', 'chunk', 'arrayIndex', 'exitCode'] as const) {
    if (f[key] !== undefined && !isCount(f[key], key === 'times' || key === 'every' ? 1 : 0)) {
      throw new Error(`fault field ${key} must be a ${key === 'times' || key === 'every' ? 'positive' : 'non-negative'} integer`);
    }
  }
  for (const key of ['seconds', 'after'] as const) {
    if (f[key] !== undefined && !(typeof f[key] === 'number' && (f[key] as number) >= 0)) throw new Error(`fault field ${key} must be seconds >= 0`);
  }
  for (const key of ['name', 'command', 'message'] as const) {
    if (f[key] !== undefined && typeof f[key] !== 'string') throw new Error(`fault field ${key} must be a string`);
  }
  if (f.stream !== undefined && f.stream !== 'stdout' && f.stream !== 'stderr') throw new Error('fault field stream must be "stdout" or "stderr"');
  if (f.resource !== undefined && f.resource !== 'memory' && f.resource !== 'walltime') throw new Error('fault field resource must be "memory" or "walltime"');
  const kind = f.kind as FaultKind;
  if ((kind === 'suspend' || kind === 'statusHang') && f.seconds === undefined) throw new Error(`fault ${kind} needs "seconds"`);
  return f as unknown as FaultSpec;
}

export function addFault(state: State, spec: FaultSpec): Fault {
  const fault: Fault = { ...checkFaultSpec(spec), id: state.nextFaultId++, fired: 0, seen: 0 };
  state.faults.push(fault);
  return fault;
}

function hasTimesLeft(fault: Fault): boolean {
  return fault.fired < (fault.times ?? 1);
}

function matchesTask(fault: Fault, job: Job, task: Task): boolean {
  if (fault.jobId !== undefined && fault.jobId !== job.id) return false;
  if (fault.arrayIndex !== undefined && fault.arrayIndex !== task.index) return false;
  if (fault.name !== undefined && !globMatches(fault.name, job.name)) return false;
  if (fault.chunk !== undefined && fault.chunk !== taskChunk(job, task)) return false;
  return true;
}

/** Uses one occurrence of the first matching job fault of this kind, if any. */
export function takeJobFault(state: State, kind: JobFaultKind, job: Job, task: Task, now: number): Fault | undefined {
  const fault = state.faults.find((f) => f.kind === kind && hasTimesLeft(f) && matchesTask(f, job, task));
  if (!fault) return undefined;
  fault.fired++;
  state.fired.push({ faultId: fault.id, kind, at: now, jobId: job.id, index: task.index, chunk: taskChunk(job, task) });
  return fault;
}

export type CommandClass = 'status' | 'submit';

/** The command faults that fire on this call, in the order hang, warning, fail. */
export function takeCommandFaults(state: State, commandClass: CommandClass, command: string, now: number): Fault[] {
  const kinds = commandClass === 'status' ? STATUS_KINDS : SUBMIT_KINDS;
  const firing: Fault[] = [];
  for (const fault of state.faults) {
    if (!kinds.includes(fault.kind as CommandFaultKind) || !hasTimesLeft(fault)) continue;
    if (fault.command !== undefined && fault.command !== command) continue;
    fault.seen++;
    if (fault.every !== undefined && fault.seen % fault.every !== 0) continue;
    fault.fired++;
    state.fired.push({ faultId: fault.id, kind: fault.kind, at: now, command });
    firing.push(fault);
  }
  const order: FaultKind[] = ['statusHang', 'statusWarning', 'statusFail', 'submitFail'];
  return firing.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

/** Marks the firing of a statusHang fault (fault id and firing time) as over: the command answers now. */
export function recordHangOver(state: State, faultId: number, firedAt: number, command: string, now: number): void {
  const record = state.fired.find((f) => f.faultId === faultId && f.at === firedAt && f.command === command && f.answeredAt === undefined);
  if (record) record.answeredAt = now;
}
