/**
 * Operations on an emulated cluster from outside the scheduler commands: what `dummyq` and the
 * TypeScript control API offer to tests (set up, inject faults, look, wait, tear down).
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDispatcher, stopEverything } from './dispatcher-control.js';
import { addFault } from './faults.js';
import { findJob, isRunning } from './jobs.js';
import { applySettings } from './settings.js';
import { companionPaths, emptyState } from './state-file.js';
import { snapshot, transact } from './store.js';
import { releaseTasks } from './submit.js';
import type { FaultSpec, State } from './types.js';

/** Starts a fresh cluster: empty queue, these settings. Stops whatever ran on the old state. */
export async function initCluster(statePath: string, settings: Record<string, unknown> = {}): Promise<void> {
  await mkdir(dirname(statePath), { recursive: true });
  const fresh = emptyState(settings); // checks the settings before anything is touched
  await transact(statePath, (state, now) => {
    stopEverything(state, now);
    Object.assign(state, fresh);
  });
  await rm(companionPaths(statePath).spool, { recursive: true, force: true });
}

export async function updateSettings(statePath: string, patch: Record<string, unknown>): Promise<State['settings']> {
  return transact(statePath, (state) => ({ ...applySettings(state.settings, patch) }));
}

export async function injectFaults(statePath: string, specs: readonly FaultSpec[]): Promise<number[]> {
  return transact(statePath, (state) => specs.map((spec) => addFault(state, spec).id));
}

/** Releases held tasks (user holds and `held` faults); returns how many. */
export async function releaseJob(statePath: string, jobId: number, index: number | null | 'all' = 'all'): Promise<number> {
  return transact(statePath, (state, now) => {
    const job = findJob(state, jobId);
    // Jobs that are not arrays have one task, whatever index the caller named.
    const released = job ? releaseTasks(job, job.array ? index : 'all') : 0;
    if (released > 0) ensureDispatcher(state, statePath, now);
    return released;
  });
}

/**
 * Ends the suspension of suspended tasks (the `suspend` fault) now instead of after its
 * `seconds`: the dispatcher sends SIGCONT on its next tick. Returns how many.
 */
export async function resumeJob(statePath: string, jobId: number, index: number | null | 'all' = 'all'): Promise<number> {
  return transact(statePath, (state, now) => {
    const job = findJob(state, jobId);
    let resumed = 0;
    for (const task of job?.tasks ?? []) {
      if (task.state !== 'suspended' || task.resumeAt === undefined) continue;
      // Jobs that are not arrays have one task, whatever index the caller named.
      if (index !== 'all' && job!.array && task.index !== index) continue;
      task.resumeAt = Math.min(task.resumeAt, now);
      resumed++;
    }
    if (resumed > 0) ensureDispatcher(state, statePath, now);
    return resumed;
  });
}

export function isIdle(state: State): boolean {
  return !state.jobs.some((job) => job.tasks.some((t) => t.state === 'pending' || isRunning(t)));
}

/** Waits until nothing is pending or running (held and error tasks do not count). */
export async function waitUntilIdle(statePath: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (isIdle(await snapshot(statePath))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills the dispatcher and every running job (recorded as killed). */
export async function stopCluster(statePath: string): Promise<number> {
  return transact(statePath, (state, now) => stopEverything(state, now));
}
