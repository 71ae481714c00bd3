/**
 * Status polls that fail: a few in a row are weather (a busy scheduler, a network blip) and
 * the next poll decides; maxStatusFailures in a row end the map with the last command's error.
 */
import { QueueCommandError } from '../errors.js';
import type { FlavorName } from '../queues/flavor-names.js';

export class StatusFailures {
  private inARow = 0;

  constructor(
    private readonly flavor: FlavorName,
    private readonly max: number,
  ) {}

  /** A poll that answered: the count starts again. */
  succeeded(): void {
    this.inARow = 0;
  }

  /** A poll that failed; throws once `max` have failed in a row. */
  failed(cause: Error): void {
    this.inARow += 1;
    if (this.inARow < this.max) return;
    const failed = cause instanceof QueueCommandError ? cause : undefined;
    throw new QueueCommandError({
      message: `the ${this.flavor} status command failed ${this.inARow} polls in a row (maxStatusFailures); last failure: ${cause.message}`,
      command: failed?.command ?? 'status',
      exitCode: failed?.exitCode,
      stderr: failed?.stderr ?? '',
      stdout: failed?.stdout ?? '',
      timedOut: failed?.timedOut ?? false,
      cause,
    });
  }
}
