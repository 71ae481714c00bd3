/**
 * The emulator from TypeScript tests:
 *
 *   const queue = await DummyQueue.create(tmpDir, { slots: 2, keepFinished: 2 });
 *   await pool.map(fn, tasks, { commands: queue.commands('sge'), env: queue.env() });
 *   await queue.addFault({ kind: 'error', chunk: 3 });
 *   expect((await queue.calls()).qsub).toBe(1);
 *   await queue.stop();
 *
 * Scheduler commands are the shims in dummy-queue/bin/<flavor>/ (run the compiled emulator in
 * dist/, so build first); this class reads and changes the same state file directly.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initCluster, injectFaults, releaseJob, resumeJob, stopCluster, updateSettings, waitUntilIdle } from './engine/admin.js';
import { cliEntryPath } from './engine/dispatcher-control.js';
import { STATE_VARIABLE } from './engine/state-file.js';
import { snapshot } from './engine/store.js';
import type { FaultSpec, FiredFault, Flavor, Job, Settings, State } from './engine/types.js';

export type { FaultSpec, FiredFault, Flavor, Job, Settings, State } from './engine/types.js';

/** dummy-queue/bin, from the source tree (dummy-queue/src) or the compiled one (dist/dummy-queue/src). */
function binRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'bin'), join(here, '..', '..', '..', 'dummy-queue', 'bin')];
  return candidates.find((dir) => existsSync(join(dir, 'dummyq'))) ?? candidates[0]!;
}

export class DummyQueue {
  private constructor(readonly statePath: string) {}

  /** A fresh emulated cluster whose state lives in `dir/state.json`. */
  static async create(dir: string, settings: Partial<Settings> = {}): Promise<DummyQueue> {
    const queue = new DummyQueue(resolve(dir, 'state.json'));
    await initCluster(queue.statePath, settings);
    return queue;
  }

  /** Attaches to an existing state file (e.g. one a harness made with `dummyq init`). */
  static attach(statePath: string): DummyQueue {
    return new DummyQueue(resolve(statePath));
  }

  /** The directory with this flavor's commands (put it first on PATH). */
  binDir(flavor: Flavor): string {
    return join(binRoot(), flavor);
  }

  /**
   * Paths of this flavor's commands by name, for the library's `commands` option; `only` keeps
   * just these names, for a client that refuses command names it does not use.
   */
  async commands(flavor: Flavor, only?: readonly string[]): Promise<Record<string, string>> {
    const dir = this.binDir(flavor);
    const names = (await readdir(dir)).filter((name) => !only || only.includes(name));
    return Object.fromEntries(names.map((name) => [name, join(dir, name)]));
  }

  /** Variables a command needs to find this cluster; with a flavor, also PATH with its commands first. */
  env(flavor?: Flavor): Record<string, string> {
    const env: Record<string, string> = { [STATE_VARIABLE]: this.statePath };
    if (flavor) env.PATH = `${this.binDir(flavor)}:${process.env.PATH ?? ''}`;
    return env;
  }

  /** The compiled emulator the commands run (it must exist: build with `npx tsc -p tsconfig.json`). */
  static compiledEntry(): string {
    return cliEntryPath();
  }

  async settings(patch: Partial<Settings>): Promise<Settings> {
    return updateSettings(this.statePath, patch);
  }

  /** Adds a fault; returns its id (see `fired()` for what it did). */
  async addFault(fault: FaultSpec): Promise<number> {
    const [id] = await injectFaults(this.statePath, [fault]);
    return id!;
  }

  async state(): Promise<State> {
    return snapshot(this.statePath);
  }

  /** Calls per command name, e.g. { qsub: 1, qstat: 7 }. */
  async calls(): Promise<Record<string, number>> {
    return (await this.state()).calls;
  }

  async jobs(): Promise<Job[]> {
    return (await this.state()).jobs;
  }

  async fired(): Promise<FiredFault[]> {
    return (await this.state()).fired;
  }

  /** Releases held tasks of a job (all, or one array index). */
  async release(jobId: number, index?: number): Promise<number> {
    return releaseJob(this.statePath, jobId, index ?? 'all');
  }

  /** Resumes suspended tasks of a job (all, or one array index) now, before their suspension ends. */
  async resume(jobId: number, index?: number): Promise<number> {
    return resumeJob(this.statePath, jobId, index ?? 'all');
  }

  /** Resolves true once nothing is pending or running, false after the timeout. */
  async waitIdle(timeoutMs = 30_000): Promise<boolean> {
    return waitUntilIdle(this.statePath, timeoutMs);
  }

  /** Kills the dispatcher and all running jobs. */
  async stop(): Promise<void> {
    await stopCluster(this.statePath);
  }
}
