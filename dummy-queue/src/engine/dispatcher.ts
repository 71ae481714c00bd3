/**
 * The dispatcher: the emulated scheduler and execution daemon in one detached process. It wakes
 * when the state file changes, when one of its jobs exits, or when a timer is due (start delay,
 * kill grace, suspend), and in one transaction: records exits, escalates kills, suspends and
 * resumes, and starts pending tasks up to `slots`. It leaves after `idleExit` seconds with
 * nothing pending or running.
 */
import { rm, stat } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { takeJobFault } from './faults.js';
import { isRunning } from './jobs.js';
import { startProcess, type Launcher, type LaunchSpec } from './launch.js';
import { isProcessAlive, signalJob } from './processes.js';
import { companionPaths } from './state-file.js';
import { transact } from './store.js';
import { detachTask } from './task-ids.js';
import type { Flavor, Job, State, Task } from './types.js';

const POLL_MS = 50;
/** How often tasks that a previous dispatcher started are checked for life. */
const ORPHAN_POLL_MS = 500;

interface Exit {
  jobId: number;
  index: number | null;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type Launchers = Readonly<Record<Flavor, Launcher>>;

/** Deletes a task's scratch directory in the background; a failure must not end the dispatcher. */
function removeScratch(spec: LaunchSpec): void {
  if (spec.scratchDir) rm(spec.scratchDir, { recursive: true, force: true }).catch(() => undefined);
}

class Dispatcher {
  private readonly children = new Map<number, ChildProcess>();
  /** The launch of each process whose outputs are collected at its end (HTCondor file transfer). */
  private readonly collecting = new Map<number, LaunchSpec>();
  private readonly exits: Exit[] = [];
  private idleSince: number | undefined;
  private wakeAt = 0;
  private wake: (() => void) | undefined;
  /** An exit arrived since the last tick (exits waiting for their report time do not count). */
  private freshExits = false;

  constructor(
    private readonly statePath: string,
    private readonly launchers: Launchers,
  ) {}

  async run(): Promise<void> {
    let lastStamp = '';
    for (;;) {
      const stamp = await this.stamp();
      if (stamp !== lastStamp || this.freshExits || Date.now() >= this.wakeAt) {
        this.freshExits = false;
        lastStamp = stamp;
        const keepGoing = await transact(this.statePath, (state, now) => this.tick(state, now));
        if (!keepGoing) return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, POLL_MS);
      });
    }
  }

  /** Changes whenever the file is replaced (every write is a rename, so a new inode). */
  private async stamp(): Promise<string> {
    try {
      const s = await stat(this.statePath, { bigint: true });
      return `${s.ino}:${s.mtimeNs}:${s.size}`;
    } catch {
      return 'missing';
    }
  }

  private tick(state: State, now: number): boolean {
    if (state.dispatcher?.pid !== process.pid) return false; // stopped, or another one took over
    this.wakeAt = Infinity;
    this.recordExits(state, now);
    for (const job of state.jobs) {
      for (const task of job.tasks) {
        if (isRunning(task)) this.tendRunning(state, job, task, now);
      }
    }
    this.startPending(state, now);
    return this.checkIdle(state, now);
  }

  private later(at: number): void {
    this.wakeAt = Math.min(this.wakeAt, at);
  }

  private recordExits(state: State, now: number): void {
    const notYet: Exit[] = [];
    for (const exit of this.exits.splice(0)) {
      const job = state.jobs.find((j) => j.id === exit.jobId);
      const task = job?.tasks.find((t) => t.index === exit.index);
      if (!job || !task || !isRunning(task) || task.pid !== exit.pid) {
        if (exit.pid !== undefined) this.children.delete(exit.pid);
        const stale = exit.pid === undefined ? undefined : this.collecting.get(exit.pid);
        if (stale) {
          this.collecting.delete(exit.pid!);
          removeScratch(stale);
        }
        continue;
      }
      const linger = this.launchers[job.flavor].lingersAfterCancel ? state.settings.cancelLinger : 0;
      const reportAt = (task.cancelRequestedAt ?? 0) + linger * 1000;
      if (task.cancelRequestedAt !== undefined && now < reportAt) {
        notYet.push(exit);
        this.later(reportAt);
        continue;
      }
      if (exit.pid !== undefined) this.children.delete(exit.pid);
      task.state = 'finished';
      task.endTime = now;
      task.exitCode = exit.code;
      task.signal = exit.signal;
      task.outcome = task.cancelRequestedAt !== undefined ? 'cancelled' : exit.signal ? 'killed' : 'exited';
      this.collectOutputs(state, job, task, exit.pid, now);
    }
    this.exits.push(...notYet);
  }

  /**
   * Output transfer of a process that ended by itself: its outputs reach the submit side now,
   * or, when the transfer fails (or a transferOut fault fires), never, and the job is held. A
   * cancelled process sends nothing back (condor_rm). Then its scratch directory goes.
   */
  private collectOutputs(state: State, job: Job, task: Task, pid: number | undefined, now: number): void {
    const spec = pid === undefined ? undefined : this.collecting.get(pid);
    if (!spec) return;
    this.collecting.delete(pid!);
    if (task.outcome !== 'cancelled') {
      const fault = takeJobFault(state, 'transferOut', job, task, now);
      const failure = fault ? (fault.message ?? 'dummy-queue: injected output transfer fault') : spec.collect!();
      if (failure) {
        Object.assign(task, { state: 'error', errorAt: now, holdCause: 'transfer-out', message: failure });
        delete task.outcome;
      }
    }
    removeScratch(spec);
  }

  private tendRunning(state: State, job: Job, task: Task, now: number): void {
    const grace = state.settings.killGrace * 1000;
    const ours = task.pid !== undefined && this.children.has(task.pid);
    if (!ours && !isProcessAlive(task.pid)) {
      // Started by a dispatcher that died: its exit status is lost with it.
      Object.assign(task, { state: 'finished', outcome: 'lost', endTime: now, exitCode: null, signal: null });
      return;
    }
    if (!ours) this.later(now + ORPHAN_POLL_MS);
    if (task.cancelRequestedAt !== undefined) {
      const killAt = task.cancelRequestedAt + grace;
      if (task.termSentAt === undefined) {
        // A stopped process cannot act on SIGTERM: wake it first.
        if (task.state === 'suspended') signalJob(task.pid, 'SIGCONT');
        for (const signal of this.launchers[job.flavor].cancelSignals) signalJob(task.pid, signal);
        task.termSentAt = now;
      }
      if (task.killSentAt === undefined && now >= killAt) {
        signalJob(task.pid, 'SIGKILL');
        task.killSentAt = now;
      } else if (task.killSentAt === undefined) {
        this.later(killAt);
      }
      return;
    }
    if (task.state === 'running' && task.suspendAt !== undefined) {
      if (now >= task.suspendAt) {
        signalJob(task.pid, 'SIGSTOP');
        task.state = 'suspended';
        task.resumeAt = now + (task.suspendSeconds ?? 0) * 1000;
        delete task.suspendAt;
        this.later(task.resumeAt);
      } else {
        this.later(task.suspendAt);
      }
    } else if (task.state === 'suspended' && task.resumeAt !== undefined) {
      if (now >= task.resumeAt) {
        signalJob(task.pid, 'SIGCONT');
        task.state = 'running';
        delete task.resumeAt;
      } else {
        this.later(task.resumeAt);
      }
    }
  }

  private startPending(state: State, now: number): void {
    let running = state.jobs.reduce((n, job) => n + job.tasks.filter(isRunning).length, 0);
    const eligibleAt = (job: Job) => job.submitTime + state.settings.startDelay * 1000;
    for (const job of [...state.jobs].sort((a, b) => a.id - b.id)) {
      if (running >= state.settings.slots) return;
      if (!job.tasks.some((t) => t.state === 'pending')) continue;
      if (now < eligibleAt(job)) {
        this.later(eligibleAt(job));
        continue;
      }
      let runningInJob = job.tasks.filter(isRunning).length;
      for (const task of job.tasks) {
        if (running >= state.settings.slots) return;
        if (task.state !== 'pending') continue;
        if (job.array?.throttle !== undefined && runningInJob >= job.array.throttle) break;
        if (this.start(state, job, task, now)) {
          running++;
          runningInJob++;
        }
      }
    }
  }

  /** Starts one task, unless a fault intervenes. Returns true if a process now runs. */
  private start(state: State, job: Job, task: Task, now: number): boolean {
    if (takeJobFault(state, 'vanish', job, task, now)) {
      task.state = 'vanished';
      task.endTime = now;
      return false;
    }
    detachTask(state, job, task);
    const error = takeJobFault(state, 'error', job, task, now);
    if (error) {
      task.state = 'error';
      task.errorAt = now;
      task.holdCause = 'fault';
      task.message = error.message ?? 'dummy-queue: injected error fault';
      return false;
    }
    const fail = takeJobFault(state, 'fail', job, task, now);
    if (fail) {
      Object.assign(task, { state: 'finished', outcome: 'failed', startTime: now, endTime: now, exitCode: null, signal: null });
      if (fail.message) task.message = fail.message;
      return false;
    }
    const launcher = this.launchers[job.flavor];
    const limit = takeJobFault(state, 'limit', job, task, now);
    if (limit) {
      // Killed at once for running past a request: it started, and the scheduler ended it (or,
      // where the scheduler holds such jobs, holds it). Each front shows its own kill.
      const resource = limit.resource ?? 'memory';
      if (launcher.limitHolds?.includes(resource)) {
        Object.assign(task, { state: 'error', errorAt: now, holdCause: 'limit', limit: resource, startTime: now });
      } else {
        Object.assign(task, { state: 'finished', outcome: 'limit', limit: resource, startTime: now, endTime: now, exitCode: null, signal: 'SIGKILL' });
      }
      if (limit.message) task.message = limit.message;
      return false;
    }
    const spec = launcher.spec(job, task, { state, scratchRoot: companionPaths(this.statePath).scratch });
    const transferIn = spec.inputs ? takeJobFault(state, 'transferIn', job, task, now) : undefined;
    if (transferIn) {
      Object.assign(task, { state: 'error', errorAt: now, holdCause: 'transfer-in', message: transferIn.message ?? 'dummy-queue: injected input transfer fault' });
      return false;
    }
    const started = startProcess(spec);
    if ('failure' in started) {
      if (started.cause === 'transfer-in') {
        Object.assign(task, { state: 'error', errorAt: now, holdCause: 'transfer-in', message: started.failure });
      } else if (launcher.onLaunchFailure === 'error') {
        Object.assign(task, { state: 'error', errorAt: now, holdCause: 'launch', message: started.failure });
      } else {
        Object.assign(task, { state: 'finished', outcome: 'failed', startTime: now, endTime: now, exitCode: null, signal: null, message: started.failure });
      }
      return false;
    }
    const { child } = started;
    if (child.pid === undefined) {
      // exec itself failed (no such command, no permission): what a shell reports as 127.
      child.on('error', () => undefined);
      removeScratch(spec);
      Object.assign(task, { state: 'finished', outcome: 'exited', startTime: now, endTime: now, exitCode: 127, signal: null });
      return false;
    }
    const pid = child.pid;
    this.children.set(pid, child);
    // The child stays in `children` until its exit is recorded (see recordExits), so a task whose
    // end is reported late is not taken for an orphan meanwhile.
    if (spec.collect) this.collecting.set(pid, spec);
    child.on('exit', (code, signal) => {
      // Outputs to collect: the scratch directory stays until the exit is recorded.
      if (!spec.collect) removeScratch(spec);
      this.exits.push({ jobId: job.id, index: task.index, pid, code, signal });
      this.freshExits = true;
      this.wake?.();
    });
    task.state = 'running';
    task.pid = pid;
    task.startTime = now;
    const suspend = takeJobFault(state, 'suspend', job, task, now);
    if (suspend) {
      task.suspendAt = now + (suspend.after ?? 0) * 1000;
      task.suspendSeconds = suspend.seconds ?? 0;
      this.later(task.suspendAt);
    }
    if (takeJobFault(state, 'earlyGone', job, task, now)) task.hiddenFromLive = true;
    return true;
  }

  private checkIdle(state: State, now: number): boolean {
    const busy = state.jobs.some((job) => job.tasks.some((t) => t.state === 'pending' || isRunning(t)));
    if (busy || this.children.size > 0) {
      this.idleSince = undefined;
      return true;
    }
    this.idleSince ??= now;
    const leaveAt = this.idleSince + state.settings.idleExit * 1000;
    if (now >= leaveAt) {
      state.dispatcher = null;
      return false;
    }
    this.later(leaveAt);
    return true;
  }
}

export async function runDispatcher(statePath: string, launchers: Launchers): Promise<void> {
  await new Dispatcher(statePath, launchers).run();
}
