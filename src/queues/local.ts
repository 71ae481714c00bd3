/**
 * The local flavor: runs the same job.sh and worker on the same files, as child processes of
 * this one, at most `concurrency` at a time (shared by all maps of the pool). The whole pipeline
 * (chunk files, environment restore, results, resubmission) works without any queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { JobStatus, Queue, QueueInfo, SubmitRequest } from './queue.js';

interface LocalJob {
  id: string;
  chunk: number;
  request: SubmitRequest;
  status: JobStatus;
  child?: ChildProcess;
}

const STDERR_KEPT = 4096;

export class LocalQueue implements Queue {
  readonly flavor = 'local' as const;
  readonly supportsArrays = true;
  readonly resultsMayLag = false; // same machine, same file system: a result is there when the process ends
  readonly convention = { indexExpression: '', indexBase: 0, jobIdExpression: '${QMR_JOB_ID:-local}' };
  private readonly jobs = new Map<string, LocalJob>();
  private readonly waiting: LocalJob[] = [];
  private running = 0;
  private sequence = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly concurrency: number) {}

  async submit(request: SubmitRequest): Promise<string[]> {
    const ids = request.chunks.map((chunk) => {
      const job: LocalJob = {
        id: `local-${++this.sequence}`,
        chunk,
        request,
        status: { state: 'pending', native: 'waiting for a free core' },
      };
      this.jobs.set(job.id, job);
      this.waiting.push(job);
      return job.id;
    });
    this.startWaitingJobs();
    return ids;
  }

  async status(jobIds: readonly string[]): Promise<Map<string, JobStatus>> {
    const out = new Map<string, JobStatus>();
    for (const id of jobIds) {
      const job = this.jobs.get(id);
      if (job) out.set(id, job.status);
    }
    return out;
  }

  async cancel(jobIds: readonly string[]): Promise<void> {
    const exits: Promise<void>[] = [];
    for (const id of jobIds) {
      const job = this.jobs.get(id);
      if (!job) continue;
      this.jobs.delete(id);
      const queued = this.waiting.indexOf(job);
      if (queued >= 0) this.waiting.splice(queued, 1);
      const child = job.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }
    }
    await Promise.all(exits);
  }

  async info(): Promise<QueueInfo> {
    return { slots: this.concurrency };
  }

  onJobEnd(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts queued jobs while cores are free. Called on submit and on every exit. */
  private startWaitingJobs(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      this.start(this.waiting.shift()!);
    }
  }

  private start(job: LocalJob): void {
    this.running += 1;
    job.status = { state: 'running', native: 'running' };
    const child = spawn('/bin/bash', [job.request.script, '--chunks', String(job.chunk)], {
      cwd: job.request.workingDir,
      // A bare environment, as a scheduler gives: job.sh restores the caller's (per exportEnv),
      // so the local flavor behaves like the others.
      env: bareEnvironment(job.id),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    job.child = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_KEPT);
    });
    let over = false;
    const ended = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (over) return; // 'error' and 'close' can both arrive for a process that failed to start
      over = true;
      this.running -= 1;
      const how = spawnError
        ? `could not start bash: ${spawnError.message}`
        : signal
          ? `killed by ${signal}`
          : `exit status ${code}`;
      job.status = {
        state: 'finished',
        native: how,
        outcome: code === 0 ? 'success' : 'failure',
        ...(code === 0 ? {} : { reason: `${how}${stderr.trim() ? `: ${stderr.trim()}` : ''}` }),
      };
      this.startWaitingJobs();
      for (const listener of this.listeners) listener();
    };
    child.once('error', (error) => ended(null, null, error));
    child.once('close', (code, signal) => ended(code, signal));
  }

  /** Drops finished jobs from memory once the caller is done with them. */
  forget(jobIds: readonly string[]): void {
    for (const id of jobIds) {
      const job = this.jobs.get(id);
      if (job && job.status.state === 'finished') this.jobs.delete(id);
    }
  }
}

function bareEnvironment(jobId: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: '/usr/local/bin:/usr/bin:/bin', QMR_JOB_ID: jobId };
  for (const name of ['HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}
