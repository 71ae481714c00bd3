/**
 * The only way to change the state: lock, read, let the caller change the object, write it back
 * atomically, unlock. Every command and the dispatcher go through here, so concurrent commands
 * cannot lose each other's updates.
 */
import { findJob, isActive } from './jobs.js';
import { acquireLock } from './lock.js';
import { companionPaths, readStateFile, writeStateFile } from './state-file.js';
import type { Job, State } from './types.js';

export type StateChange<T> = (state: State, now: number) => T | Promise<T>;

export async function transact<T>(statePath: string, change: StateChange<T>): Promise<T> {
  const lock = await acquireLock(companionPaths(statePath).lock);
  try {
    const state = await readStateFile(statePath);
    const before = JSON.stringify(state);
    const result = await change(state, Date.now());
    const after = JSON.stringify(state);
    if (after !== before) {
      if (!(await lock.stillOurs())) throw new Error('dummy-queue: lost the state lock (judged stale) during an update');
      await writeStateFile(statePath, state, after);
    }
    return result;
  } finally {
    await lock.release();
  }
}

/** A consistent snapshot without taking the lock (writes are atomic renames). */
export async function snapshot(statePath: string): Promise<State> {
  return readStateFile(statePath);
}

/**
 * Waits until every task of a job has ended (finished or vanished) and returns the job then, or
 * undefined if the job is gone from the state (a fresh `dummyq init`). For the submit commands
 * that block until the end (`qsub -sync y`, `sbatch --wait`, PBS `-W block=true`).
 */
export async function waitForJobEnd(statePath: string, jobId: number): Promise<Job | undefined> {
  for (;;) {
    const job = findJob(await snapshot(statePath), jobId);
    if (!job || !job.tasks.some(isActive)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
