/**
 * The chunk tracker's events as the journal records them: 'retire' for a job attempt that ended
 * without a result, 'failed' for a chunk given up. They are counted by cause for the progress too.
 */
import type { ChunkTracker, TrackerEvent } from './chunk-tracker.js';
import type { JournalRecord } from '../resume/journal.js';
import type { FailureCauseCounts } from '../progress/progress-reporter.js';

/** The tracker's events since the last call, counted into `causes`, as journal records. */
export function drainTrackerRecords(tracker: ChunkTracker, causes: FailureCauseCounts): JournalRecord[] {
  const events = tracker.drainEvents();
  causes.count(events);
  return trackerEventRecords(events, new Date().toISOString());
}

export function trackerEventRecords(events: readonly TrackerEvent[], time: string): JournalRecord[] {
  return events.map((e) =>
    e.kind === 'retired'
      ? { t: 'retire', time, chunk: e.chunk, job: e.job, reason: e.reason, ...(e.cancelled ? { cancelled: true as const } : {}) }
      : { t: 'failed', chunk: e.chunk, reason: e.reason },
  );
}
