/**
 * Cancelling a map's jobs so that none stays behind: a cancel the scheduler refused is tried
 * again each round and at the end, and a cancel is journalled only once the scheduler took it
 * (a job whose cancel failed stays queued in the journal, so a resume watches it and
 * `qmr cancel` can still remove it).
 */
import type { Journal } from '../resume/journal.js';
import type { Queue } from '../queues/queue.js';

export class JobCanceller {
  /** Jobs whose cancel failed, to try again. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly queue: Queue,
    private readonly journal: () => Journal | undefined,
  ) {}

  get pending(): readonly string[] {
    return [...this.refused];
  }

  async cancel(jobIds: string[], why = 'no longer needed'): Promise<void> {
    try {
      await this.queue.cancel(jobIds);
    } catch {
      for (const id of jobIds) this.refused.add(id);
      return;
    }
    for (const id of jobIds) this.refused.delete(id);
    await this.journal()?.append({ t: 'cancel', time: new Date().toISOString(), ids: jobIds, why });
  }

  async retry(): Promise<void> {
    if (this.refused.size > 0) await this.cancel([...this.refused]);
  }
}
