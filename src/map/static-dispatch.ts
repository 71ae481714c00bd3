/**
 * The Dispatch (map/dispatch.ts) of maps of static chunks: one job (or array element) per chunk,
 * submitted in arrays as chunk files appear. The elastic counterpart is ../elastic/elastic-dispatch.ts.
 */
import type { Resources } from '../options.js';
import type { ChunkLogs, Dispatch, DispatchContext, WorkerProgress } from './dispatch.js';
import { submitInGroups } from './submission-groups.js';

/** While tasks still stream in, wait this long for more chunks before submitting a partial array. */
export const STREAM_SUBMIT_DELAY_MS = 1000;
/** ... unless this many chunks are waiting already. */
const STREAM_SUBMIT_BATCH = 1000;

/** The chunks grouped by their request, the map's own (undefined) first, each group in chunk order. */
function byRequest(chunks: readonly number[], requestOf: (chunk: number) => Resources | undefined): Array<[Resources | undefined, number[]]> {
  const groups = new Map<string, [Resources | undefined, number[]]>();
  for (const chunk of chunks) {
    const request = requestOf(chunk);
    const key = request === undefined ? '' : JSON.stringify(request);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = [request, []]));
    group[1].push(chunk);
  }
  return [...groups.values()].sort((a, b) => (a[0] === undefined ? -1 : b[0] === undefined ? 1 : 0));
}

export class StaticDispatch implements Dispatch {
  constructor(private readonly ctx: DispatchContext) {}

  /** Nothing to prepare: job.sh is written with the run's files. */
  async prepare(): Promise<void> {}

  /** The chunks' jobs are all the jobs there are; the loop restored them. */
  async restore(): Promise<void> {}

  /** Submits the chunks waiting for a job; `chunks` is set once every task is in a chunk file. */
  async round(chunks: number | undefined, now = Date.now()): Promise<void> {
    const { queue, options, workDir, tracker, journal, stop } = this.ctx;
    const waiting = tracker.unsubmitted();
    if (waiting.length === 0) return;
    if (chunks === undefined) {
      // Tasks still streaming in: gather a fuller array unless the oldest chunk has waited long enough.
      const oldest = Math.min(...waiting.map((c) => this.ctx.fed.get(c)!.readyAt));
      if (waiting.length < STREAM_SUBMIT_BATCH && now - oldest < STREAM_SUBMIT_DELAY_MS) return;
    }
    // Chunks resubmitted with a raised request (retry by cause) go in arrays of their own.
    for (const [request, group] of byRequest(waiting, (c) => tracker.requestOf(c))) {
      const resources = request ?? options.resources;
      await submitInGroups({ queue, options, workDir, script: workDir.jobScript, resources, throwIfAborted: () => stop.throwIfAborted() }, group, async (part, ids) => {
        tracker.submitted(part, ids, Date.now());
        await journal.append({ t: 'submit', time: new Date().toISOString(), chunks: part, ids, ...(request ? { resources: request } : {}) });
      });
    }
    this.ctx.poller.kick();
  }

  /** The loop applied the snapshot to the chunks' jobs, which are all the jobs there are. */
  async observe(): Promise<void> {}

  async dropJobs(jobIds: string[]): Promise<void> {
    await this.ctx.canceller.cancel(jobIds, 'stuck (error, hold or a stalled state), duplicate, or its result file unreadable');
  }

  resultRead(): void {}

  jobIds(): string[] {
    return this.ctx.tracker.queuedJobIds();
  }

  logsOf(chunk: number): ChunkLogs {
    return { stdout: this.ctx.workDir.stdoutLog(chunk), stderr: this.ctx.workDir.stderrLog(chunk) };
  }

  progress(): WorkerProgress | undefined {
    return undefined;
  }

  /** Every job of a static map that is left is cancelled at the end. */
  async finish(): Promise<void> {}
}
