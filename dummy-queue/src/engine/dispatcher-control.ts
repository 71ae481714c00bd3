/**
 * Starting and stopping the dispatcher: one detached node process per state file, recorded in
 * the state. Whoever leaves runnable work behind (a submit, a release) calls ensureDispatcher
 * inside its transaction, so two commands cannot both start one.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRunning } from './jobs.js';
import { isProcessAlive, signalJob } from './processes.js';
import { companionPaths } from './state-file.js';
import type { State } from './types.js';

/**
 * The compiled CLI that hosts the dispatcher. Under a TS runner (vitest importing control.ts)
 * this module is a .ts file; the dispatcher then still runs from the compiled tree in dist/.
 */
export function cliEntryPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), '..', 'cli.js');
  const repoRoot = join(dirname(here), '..', '..', '..');
  return join(repoRoot, 'dist', 'dummy-queue', 'src', 'cli.js');
}

export function dispatcherAlive(state: State): boolean {
  return state.dispatcher !== null && isProcessAlive(state.dispatcher.pid);
}

export function ensureDispatcher(state: State, statePath: string, now: number): void {
  if (dispatcherAlive(state)) return;
  const log = openSync(companionPaths(statePath).dispatcherLog, 'a');
  try {
    const child = spawn(process.execPath, [cliEntryPath(), '__dispatcher'], {
      cwd: dirname(statePath),
      env: { ...process.env, QMR_DUMMY_STATE: statePath },
      stdio: ['ignore', log, log],
      detached: true,
    });
    child.unref();
    if (child.pid === undefined) throw new Error('dummy-queue: could not start the dispatcher');
    state.dispatcher = { pid: child.pid, startedAt: now };
  } finally {
    closeSync(log);
  }
}

/**
 * `dummyq stop`: kill the dispatcher and every running job, and record those jobs as killed.
 * Waiting jobs stay; the next submit starts a new dispatcher for them.
 */
export function stopEverything(state: State, now: number): number {
  let killed = 0;
  for (const job of state.jobs) {
    for (const task of job.tasks) {
      if (!isRunning(task)) continue;
      signalJob(task.pid, 'SIGKILL');
      task.state = 'finished';
      task.outcome = 'killed';
      task.signal = 'SIGKILL';
      task.exitCode = null;
      task.endTime = now;
      killed++;
    }
  }
  if (state.dispatcher && isProcessAlive(state.dispatcher.pid)) {
    try {
      process.kill(state.dispatcher.pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  state.dispatcher = null;
  return killed;
}
