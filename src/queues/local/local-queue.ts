/**
 * The local flavor: runs the same job.sh and worker on the same files as on a cluster, as child
 * processes of this one, at most `concurrency` at a time (shared by all maps of the pool), so the
 * whole pipeline (chunk files, environment restore, results, resubmission) works without a queue.
 *
 * Its worker processes are servers (`job.sh --serve`): each restores the caller's environment
 * once and then runs chunk after chunk as told, so that a chunk costs its work and not a node
 * start-up (60-90 ms here, more than many chunks' work). A chunk whose process dies fails like a
 * job that died, and is resubmitted; a new process takes its place. Processes of a map that has
 * nothing more to run are stopped at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { FlavorTraits, JobStatus, Queue, QueueInfo, SubmitRequest } from '../queue.js';

interface LocalJob {
  id: string;
  chunk: number;
  request: SubmitRequest;
  status: JobStatus;
  server?: Server;
}

interface Server {
  script: string;
  child: ChildProcess;
  stdin: Writable;
  job: LocalJob | undefined;
  /** The last lines the process wrote to stderr outside a chunk (start-up failures). */
  stderr: string;
  exited: boolean;
  /** Set once the process was told to stop: it takes no further job, and a second stop waits for the same exit. */
  stopping?: Promise<void>;
}

const STDERR_KEPT = 4096;

/** The local flavor runs job.sh as a child process: no scheduler, so no scheduler logs. */
export const localTraits: FlavorTraits = {
  name: 'local',
  schedulerLogNames: () => [],
};

export class LocalQueue implements Queue {
  readonly flavor = 'local' as const;
  readonly supportsArrays = true;
  readonly resultsMayLag = false; // same machine, same file system: a result is there when the worker says so
  readonly freePollInterval = 100; // status comes from this process's memory
  readonly convention = { indexExpression: '', indexBase: 0, jobIdExpression: '${QMR_JOB_ID:-local}' };
  private readonly jobs = new Map<string, LocalJob>();
  private readonly waiting: LocalJob[] = [];
  private readonly servers = new Set<Server>();
  private sequence = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly concurrency: number) {}

  async submit(request: SubmitRequest): Promise<string[]> {
    const ids = request.chunks.map((chunk) => {
      const job: LocalJob = {
        // The pid keeps ids unique across submitting processes, so a resumed run never reuses one.
        id: `local-${process.pid}-${++this.sequence}`,
        chunk,
        request,
        status: { state: 'pending', native: 'waiting for a free core' },
      };
      this.jobs.set(job.id, job);
      this.waiting.push(job);
      return job.id;
    });
    this.dispatch();
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
      // A running chunk is stopped by stopping its process (a new one serves what comes next).
      if (job.server && job.server.job === job) exits.push(this.stop(job.server));
    }
    await Promise.all(exits);
    this.dispatch();
  }

  async info(): Promise<QueueInfo> {
    return { slots: this.concurrency };
  }

  onJobEnd(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Gives waiting jobs to idle processes of their run, starting processes while cores are free. */
  private dispatch(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const job = this.waiting[i]!;
      const server = this.idleServer(job.request.script) ?? this.newServer(job.request);
      if (!server) {
        i += 1;
        continue;
      }
      this.waiting.splice(i, 1);
      this.run(server, job);
    }
    // Processes of runs with nothing left to do are stopped: a map that is over leaves none.
    for (const server of this.servers) {
      if (!server.job && !server.stopping && !this.waiting.some((j) => j.request.script === server.script)) void this.stop(server);
    }
  }

  private idleServer(script: string): Server | undefined {
    // A process told to stop has had its stdin closed and a SIGTERM: a job given to it would be lost.
    for (const server of this.servers) if (!server.job && !server.exited && !server.stopping && server.script === script) return server;
    return undefined;
  }

  private newServer(request: SubmitRequest): Server | undefined {
    if (this.servers.size >= this.concurrency) {
      // A core held by an idle process of another run is given to this one.
      const idle = [...this.servers].find((s) => !s.job && !s.stopping);
      if (!idle) return undefined;
      void this.stop(idle);
    }
    const child = spawn('/bin/bash', [request.script, '--serve'], {
      cwd: request.workingDir,
      // A bare environment, as a scheduler gives: job.sh restores the caller's (per exportEnv).
      env: bareEnvironment(),
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
    });
    const server: Server = { script: request.script, child, stdin: child.stdin!, job: undefined, stderr: '', exited: false };
    this.servers.add(server);
    child.stdin!.on('error', () => undefined); // a process that died: its exit says so
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      server.stderr = (server.stderr + text).slice(-STDERR_KEPT);
    });
    createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => this.onReply(server, line));
    let over = false;
    const ended = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      if (over) return; // 'error' and 'close' can both arrive for a process that failed to start
      over = true;
      server.exited = true;
      this.servers.delete(server);
      const job = server.job;
      server.job = undefined;
      if (job) {
        const how = error ? `could not start bash: ${error.message}` : signal ? `killed by ${signal}` : `exit status ${code}`;
        const tail = server.stderr.trim();
        this.finish(job, { state: 'finished', native: `worker process ended (${how})`, outcome: 'failure', reason: `its worker process ended (${how})${tail ? `: ${tail}` : ''}` });
      }
      this.dispatch();
    };
    child.once('error', (error) => ended(null, null, error));
    child.once('close', (code, signal) => ended(code, signal));
    return server;
  }

  private run(server: Server, job: LocalJob): void {
    server.job = job;
    job.server = server;
    job.status = { state: 'running', native: 'running' };
    server.stdin.write(`${job.chunk} ${job.id}\n`);
  }

  private onReply(server: Server, line: string): void {
    const m = /^(done|fail) (\S+)(?: (.*))?$/.exec(line);
    const job = server.job;
    if (!m || !job || m[2] !== job.id) return;
    server.job = undefined;
    this.finish(
      job,
      m[1] === 'done'
        ? { state: 'finished', native: 'done', outcome: 'success' }
        : { state: 'finished', native: 'failed', outcome: 'failure', reason: m[3] ?? 'the worker failed' },
    );
    this.dispatch();
  }

  private finish(job: LocalJob, status: JobStatus): void {
    job.status = status;
    delete job.server;
    for (const listener of this.listeners) listener();
  }

  private stop(server: Server): Promise<void> {
    if (server.exited) return Promise.resolve();
    // Every dispatch() looks for idle processes to stop: one already stopping gets no second
    // SIGTERM, kill timer or 'close' listener (they piled up past Node's 10-listener warning).
    if (server.stopping) return server.stopping;
    server.stopping = new Promise<void>((resolve) => server.child.once('close', () => resolve()));
    server.stdin.end();
    server.child.kill('SIGTERM');
    setTimeout(() => server.child.kill('SIGKILL'), 2000).unref();
    return server.stopping;
  }
}

function bareEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: '/usr/local/bin:/usr/bin:/bin' };
  for (const name of ['HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}
