/**
 * A journal for trace tests: a Slurm map of two chunks whose second chunk's first job vanished and
 * was resubmitted (used by the trace rows and by the accounting lookup against stand-in commands).
 */
import type { JournalRecord } from '../../src/resume/journal.js';

const fingerprint = { fn: 'x', fnDescription: 'f', flavor: 'slurm', chunkSize: 1 };
/** A time on the run's day, `s` seconds into 09:09 UTC. */
export const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 9, 9, s)).toISOString();

/** Chunk 0 ran as 560 (COMPLETED); chunk 1's first job 563 vanished (sacct: OUT_OF_MEMORY), its retry 561 wrote a result. */
export const records: JournalRecord[] = [
  { t: 'start', time: at(0), pid: 1, host: 'login', fingerprint },
  { t: 'chunk', chunk: 0, firstTask: 0, count: 1, hash: 'a' },
  { t: 'chunk', chunk: 1, firstTask: 1, count: 1, hash: 'b' },
  { t: 'submit', time: at(1), chunks: [0, 1], ids: ['560', '563'] },
  { t: 'retire', time: at(20), chunk: 1, job: '563', reason: 'job 563 left the queue without writing a result' },
  { t: 'submit', time: at(21), chunks: [1], ids: ['561'] },
  { t: 'done', chunk: 0, job: '560', failedTasks: 0 },
  { t: 'done', chunk: 1, job: '561', failedTasks: 0 },
  { t: 'end', time: at(40), outcome: 'finished' },
];
