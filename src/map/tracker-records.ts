/**
 * The chunk tracker's events as the journal records them: 'retire' for a job attempt that ended
 * without a result, 'failed' for a chunk given up.
 */
import type { TrackerEvent } from '../chunk-tracker.js';
import type { JournalRecord } from '../resume/journal.js';

export function trackerEventRecords(events: readonly TrackerEvent[], time: string): JournalRecord[] {
  return events.map((e) =>
    e.kind === 'retired'
      ? { t: 'retire', time, chunk: e.chunk, job: e.job, reason: e.reason, ...(e.cancelled ? { cancelled: true as const } : {}) }
      : { t: 'failed', chunk: e.chunk, reason: e.reason },
  );
}
