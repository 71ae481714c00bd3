/**
 * Pool: the public entry point. Validates options once, then runs maps: `map` resolves to all
 * results in task order, `imap` yields them in task order while later chunks still run.
 */
import { AbortError, OptionError, type Settled } from './errors.js';
import type { MapFunction } from './function/describe-function.js';
import { MapRun } from './map/map-run.js';
import { resolveOptions, type FlavorName, type PoolOptions, type ResolvedOptions } from './options.js';
import { pollerFor } from './map/poller.js';
import type { Queue } from './queues/queue.js';
import { detectFlavor } from './queues/detect.js';
import { flavorTraits, openQueue } from './queues/registry.js';

export type Tasks<T> = Iterable<T> | AsyncIterable<T>;

export interface MapCallOptions {
  /** Resolve to `{ status, value | reason }` per task (like Promise.allSettled) instead of rejecting. */
  settled?: boolean;
  /** Cancels this map (in addition to the pool's signal). */
  signal?: AbortSignal;
}

export class Pool {
  readonly options: ResolvedOptions;
  private queue: Queue | undefined;

  constructor(options: PoolOptions = {}) {
    this.options = resolveOptions(options);
  }

  /** The flavor this pool's maps run on ('auto' resolved). */
  get flavor(): FlavorName {
    return this.openQueue().flavor;
  }

  /** Maps fn over the tasks; resolves to the results in task order, or rejects with a MapError listing every failed task. */
  map<T, R>(fn: MapFunction<T, R>, tasks: Tasks<T>, options?: MapCallOptions & { settled?: false }): Promise<Awaited<R>[]>;
  map<T, R>(fn: MapFunction<T, R>, tasks: Tasks<T>, options: MapCallOptions & { settled: true }): Promise<Settled<Awaited<R>>[]>;
  async map<T, R>(fn: MapFunction<T, R>, tasks: Tasks<T>, options: MapCallOptions = {}): Promise<unknown[]> {
    const run = this.newRun<Awaited<R>>(options);
    const settled: Settled<Awaited<R>>[] = [];
    for await (const outcome of run.outcomesInOrder({ fn, tasks })) {
      for (const s of outcome.settled) settled.push(s);
    }
    if (options.settled) return settled;
    if (settled.some((s) => s.status === 'rejected')) throw run.mapError(settled);
    return settled.map((s) => (s as { value: unknown }).value);
  }

  /**
   * Yields results in task order as soon as the leading chunks are done. With `settled: false`
   * (the default) it throws a MapError at the first failed task, and cancels the rest of the map.
   */
  imap<T, R>(fn: MapFunction<T, R>, tasks: Tasks<T>, options?: MapCallOptions & { settled?: false }): AsyncGenerator<Awaited<R>>;
  imap<T, R>(fn: MapFunction<T, R>, tasks: Tasks<T>, options: MapCallOptions & { settled: true }): AsyncGenerator<Settled<Awaited<R>>>;
  async *imap<T, R>(fn: MapFunction<T, R>, tasks: Tasks<T>, options: MapCallOptions = {}): AsyncGenerator<unknown> {
    const run = this.newRun<Awaited<R>>(options);
    for await (const outcome of run.outcomesInOrder({ fn, tasks })) {
      for (const s of outcome.settled) {
        if (options.settled) yield s;
        else if (s.status === 'fulfilled') yield s.value;
        else throw run.mapError([s]);
      }
    }
  }

  private newRun<R>(options: MapCallOptions): MapRun<R> {
    const queue = this.openQueue();
    const signal = combineSignals(this.options.signal, options.signal);
    return new MapRun<R>(this.options, queue, pollerFor(queue), process.cwd(), signal);
  }

  private openQueue(): Queue {
    if (!this.queue) {
      const flavor = this.options.flavor === 'auto' ? detectFlavor(this.options.commands).flavor : this.options.flavor;
      // Checked before the queue opens: a flavor may refuse maxRunning (HTCondor: see htcondor.ts).
      const refusal = flavorTraits(flavor)?.maxRunningRefusal;
      if (refusal !== undefined && this.options.maxRunning !== undefined) {
        throw new OptionError('maxRunning', this.options.maxRunning, refusal);
      }
      this.queue = openQueue(this.options, flavor);
    }
    return this.queue;
  }
}

function combineSignals(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

export { AbortError };
