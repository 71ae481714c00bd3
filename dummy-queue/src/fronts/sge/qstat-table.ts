/** Plain `qstat`: SGE 8.1.9's fixed-width table; nothing at all when there are no jobs. */
import { usDateTime } from '../common/time-format.js';
import type { SgeListing, SgeRow } from './listing.js';

const HEADER =
  'job-ID  prior   name       user         state submit/start at     queue                          slots ja-task-ID \n' +
  '-'.repeat(113) +
  '\n';

function cell(text: string, width: number): string {
  return text.slice(0, width).padEnd(width);
}

function line(r: SgeRow): string {
  return [
    String(r.jobId).padStart(7),
    r.priority.toFixed(5).padEnd(7),
    cell(r.name, 10),
    cell(r.owner, 12),
    cell(r.state, 5),
    usDateTime(r.time),
    cell(r.queue, 30),
    String(r.slots).padStart(5),
    // Jobs that are not arrays get an empty, padded task column.
    r.tasks ?? '       ',
  ].join(' ');
}

export function formatQstatTable(listing: SgeListing): string {
  const rows = [...listing.running, ...listing.pending];
  return rows.length === 0 ? '' : HEADER + rows.map((r) => `${line(r)}\n`).join('');
}
