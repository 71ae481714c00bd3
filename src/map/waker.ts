/**
 * A sleep that ends early when something happens: the map's loop waits on it between rounds,
 * and a status snapshot, a finished local process, new chunks or an abort wake it at once.
 */
import type { Queue } from '../queues/queue.js';
import type { PollSubscriber, StatusPoller, StatusSnapshot } from './poller.js';

export class Waker {
  private wakeUp: (() => void) | undefined;
  private pending = false;

  /** Resolves after `ms`, or as soon as wake() is called (also if it was called since the last wait). */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = undefined;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.pending = true;
  }
}

/** What the map's loop listens to between rounds. */
export interface WakeSources {
  signal: AbortSignal;
  /** A queue may tell when one of its jobs ends (local: a child process exits). */
  queue: Pick<Queue, 'onJobEnd'>;
  poller: Pick<StatusPoller, 'subscribe'>;
  /** The poller's subscription, less what is delivered. */
  poll: Omit<PollSubscriber, 'deliver'>;
}

/**
 * The loop's waker wired to what happens outside it: an abort, the end of a local job, and status
 * snapshots, which wait here until the loop takes them. `close` stops listening.
 */
export class RoundWaker extends Waker {
  private snapshots: StatusSnapshot[] = [];
  private readonly closers: Array<() => void> = [];

  listen(sources: WakeSources): void {
    const wake = () => this.wake();
    sources.signal.addEventListener('abort', wake);
    this.closers.push(() => sources.signal.removeEventListener('abort', wake));
    const deliver = (snapshot: StatusSnapshot) => {
      this.snapshots.push(snapshot);
      this.wake();
    };
    this.closers.push(sources.poller.subscribe({ ...sources.poll, deliver }));
    const unlisten = sources.queue.onJobEnd?.(wake);
    if (unlisten) this.closers.push(unlisten);
  }

  /** The snapshots delivered since the last call, oldest first. */
  takeSnapshots(): StatusSnapshot[] {
    return this.snapshots.splice(0);
  }

  close(): void {
    for (const close of this.closers.splice(0)) close();
  }
}
