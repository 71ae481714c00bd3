/**
 * One status poller per queue, shared by every map running on it in this process: each poll is
 * one status call for the jobs of all maps. The interval starts at the shortest any map asks
 * for and backs off (×1.5) toward the longest while nothing changes; a submit or any change
 * resets it. Finished chunks are noticed from result files between polls (see map-run.ts), so a
 * long interval slows down only what only the scheduler can tell: errors, holds, vanished jobs.
 */
import type { JobStatus, Queue } from '../queues/queue.js';

export interface StatusSnapshot {
  /** When the status command started: jobs submitted later cannot be in it. */
  askedAt: number;
  statuses?: ReadonlyMap<string, JobStatus>;
  error?: Error;
}

export interface PollSubscriber {
  jobIds(): readonly string[];
  deliver(snapshot: StatusSnapshot): void;
  pollInterval: number;
  maxPollInterval: number;
}

const BACKOFF = 1.5;

export class StatusPoller {
  private readonly subscribers = new Set<PollSubscriber>();
  private timer: NodeJS.Timeout | undefined;
  private interval = 0;
  private polling = false;
  private lastSignature = '';
  /** Number of status polls made; benchmarks report it. */
  polls = 0;

  constructor(private readonly queue: Queue) {}

  subscribe(subscriber: PollSubscriber): () => void {
    this.subscribers.add(subscriber);
    this.kick();
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** Something changed (a submit, a cancel): poll again after the shortest interval. */
  kick(): void {
    this.interval = this.minInterval();
    this.schedule();
  }

  private minInterval(): number {
    return Math.min(...[...this.subscribers].map((s) => s.pollInterval));
  }

  private maxInterval(): number {
    return Math.min(...[...this.subscribers].map((s) => s.maxPollInterval));
  }

  private schedule(): void {
    if (this.subscribers.size === 0 || this.polling) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), this.interval);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    const ids = [...new Set([...this.subscribers].flatMap((s) => s.jobIds()))];
    if (ids.length === 0) {
      this.interval = this.minInterval();
      this.schedule();
      return;
    }
    this.polling = true;
    const askedAt = Date.now();
    let snapshot: StatusSnapshot;
    try {
      this.polls += 1;
      snapshot = { askedAt, statuses: await this.queue.status(ids) };
    } catch (error) {
      snapshot = { askedAt, error: error as Error };
    } finally {
      this.polling = false;
    }
    const signature = snapshot.statuses
      ? [...snapshot.statuses].map(([id, s]) => `${id}=${s.native}`).join(',')
      : 'error';
    const changed = signature !== this.lastSignature;
    this.lastSignature = signature;
    for (const subscriber of [...this.subscribers]) subscriber.deliver(snapshot);
    if (this.subscribers.size === 0) return;
    if (snapshot.error) {
      // A failing scheduler is not helped by being asked more often.
      this.interval = Math.min(Math.max(this.interval, this.minInterval()) * 2, this.maxInterval());
    } else {
      this.interval = changed ? this.minInterval() : Math.min(this.interval * BACKOFF, this.maxInterval());
    }
    this.schedule();
  }
}

const pollers = new WeakMap<Queue, StatusPoller>();

/** The poller of a queue; created on first use. */
export function pollerFor(queue: Queue): StatusPoller {
  let poller = pollers.get(queue);
  if (!poller) {
    poller = new StatusPoller(queue);
    pollers.set(queue, poller);
  }
  return poller;
}
