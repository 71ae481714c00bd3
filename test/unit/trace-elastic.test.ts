import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/resume/journal.js';
import { reportHtml } from '../../src/report/report-html.js';
import { hints, summarizeRun } from '../../src/report/run-summary.js';
import { buildTraceRows, type ResultSummary } from '../../src/trace/trace-rows.js';

const t = (s: number) => new Date(Date.UTC(2026, 11, 3, 8, 0, s)).toISOString();
const result = (jobId: string, start: number, end: number): ResultSummary => ({ jobId, host: 'n1', startedAt: t(start), finishedAt: t(end), tasks: 1, failedTasks: 0 });

describe('trace of an elastic map (one worker job claims many units)', () => {
  it('keeps one row per unit attempt, ends only the retired unit, and never shows a claim seen late as a negative wait', () => {
    const records: JournalRecord[] = [
      { t: 'chunk', chunk: 0, firstTask: 0, count: 1, hash: 'a' },
      { t: 'chunk', chunk: 1, firstTask: 1, count: 1, hash: 'b' },
      { t: 'chunk', chunk: 2, firstTask: 2, count: 1, hash: 'c' },
      { t: 'workers', time: t(0), tickets: [0, 1], ids: ['7.1', '7.2'] },
      { t: 'submit', time: t(5), chunks: [0], ids: ['7.1'] }, // seen after the unit started (at 3)
      { t: 'submit', time: t(5), chunks: [1], ids: ['7.1'] },
      { t: 'retire', time: t(9), chunk: 1, job: '7.1', reason: 'job 7.1 left the queue without writing a result' },
      { t: 'submit', time: t(10), chunks: [1], ids: ['7.2'] },
    ];
    // Unit 2's claim was never journaled: its result came first.
    const rows = buildTraceRows(records, new Map([[0, result('7.1', 3, 4)], [1, result('7.2', 10, 12)], [2, result('7.2', 12, 13)]]));
    expect(rows.map((r) => [r.taskId, r.attempt, r.nativeId, r.status])).toEqual([
      [0, 1, '7.1', 'COMPLETED'],
      [1, 1, '7.1', 'FAILED'],
      [1, 2, '7.2', 'COMPLETED'],
      [2, 1, '7.2', 'COMPLETED'],
    ]);
    expect(rows[0]!.queueWait).toBe(0);
    expect(rows[0]!.duration).toBe(1000);
    expect(rows[1]!.cause).toBe('vanished');
  });

  it('the report counts worker jobs as jobs and units as units, and gives no chunk-size advice', () => {
    const units = 30;
    const records: JournalRecord[] = [
      { t: 'start', time: t(0), pid: 1, host: 'h', fingerprint: { fn: 'x', fnDescription: 'f', flavor: 'local', chunkSize: 1, elastic: { workers: 2 } } },
      ...Array.from({ length: units }, (_, i): JournalRecord => ({ t: 'chunk', chunk: i, firstTask: i, count: 1, hash: String(i) })),
      { t: 'input-end', chunks: units, tasks: units },
      { t: 'workers', time: t(0), tickets: [0, 1], ids: ['w.1', 'w.2'] },
      ...Array.from({ length: units }, (_, i): JournalRecord => ({ t: 'submit', time: t(1), chunks: [i], ids: [i % 2 ? 'w.2' : 'w.1'] })),
      { t: 'end', time: t(20), outcome: 'finished' },
    ];
    // Every unit ran 50 ms: short, as units of a worker that claims by time may be.
    const results = new Map(Array.from({ length: units }, (_, i) => [i, { ...result(i % 2 ? 'w.2' : 'w.1', 1, 1), finishedAt: new Date(Date.parse(t(1)) + 50).toISOString() }]));
    const trace = { dir: '/runs/e', record: undefined, records, rows: buildTraceRows(records, results) };
    const summary = summarizeRun(trace, Date.parse(t(30)));
    expect(summary).toMatchObject({ elastic: true, chunks: 30, jobs: 2, resubmissions: 0 });
    expect(hints(summary, trace.rows, trace.dir).join('\n')).not.toMatch(/chunkSize|larger chunks|per-job overhead/);
    const html = reportHtml(trace, Date.parse(t(30)));
    expect(html).toContain('<b>2</b>worker jobs');
    expect(html).toContain('<b>30 (0)</b>units (run again)');
  });
});
