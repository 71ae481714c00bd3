/**
 * The chunk tracker's events as the journal records them: 'retire' for a job attempt that ended
 * without a result, 'failed' for a chunk given up. They are counted by cause for the progress too.
 */
import type { FailureCauseCounts } from '../progress/progress-reporter.js';
import type { JournalRecord } from '../resume/journal.js';
import type { TrackerEvent } from './chunk-tracker.js';

/** The tracker's drained events, counted into `causes`, as journal records of now. */
export function countedRecords(events: readonly TrackerEvent[], causes: FailureCauseCounts): JournalRecord[] {
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
