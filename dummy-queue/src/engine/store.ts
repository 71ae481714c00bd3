/**
 * The only way to change the state: lock, read, let the caller change the object, write it back
 * atomically, unlock. Every command and the dispatcher go through here, so concurrent commands
 * cannot lose each other's updates.
 */
import { acquireLock } from './lock.js';
import { companionPaths, readStateFile, writeStateFile } from './state-file.js';
import type { State } from './types.js';

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
