import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/resume/journal.js';
import { reportHtml } from '../../src/report/report-html.js';
import { summarizeRun } from '../../src/report/run-summary.js';
import type { RunRecord } from '../../src/resume/run-json.js';
import { buildTraceRows } from '../../src/trace/trace-rows.js';

const fingerprint = { fn: 'x', fnDescription: 'f', flavor: 'sge', chunkSize: 1 };
const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 9, 0, s)).toISOString();
const calls = { submit: 2, status: 9, history: 0, cancel: 0, info: 1, accounting: 0 };
const records: JournalRecord[] = [
  { t: 'start', time: at(0), pid: 1, host: 'login', fingerprint },
  { t: 'chunk', chunk: 0, firstTask: 0, count: 1, hash: 'a' },
  { t: 'submit', time: at(1), chunks: [0], ids: ['71'] },
  { t: 'done', chunk: 0, job: '71', failedTasks: 0 },
  { t: 'end', time: at(40), outcome: 'finished', calls },
];
const trace = { dir: '/runs/r4', record: { runId: 'r4', flavor: 'sge' } as RunRecord, records, rows: buildTraceRows(records, new Map()) };

describe('scheduler calls in the report', () => {
  it("sums the end record's counts, and keeps them by kind", () => {
    expect(summarizeRun(trace, Date.parse(at(99)))).toMatchObject({ schedulerCalls: 12, schedulerCallsByKind: calls });
  });

  it('says "not recorded" for a live run or an older journal, and ignores counts that are not counts', () => {
    expect(summarizeRun({ ...trace, records: records.slice(0, -1) }, Date.parse(at(99))).schedulerCalls).toBeUndefined();
    const odd = [...records.slice(0, -1), { t: 'end', time: at(40), outcome: 'finished', calls: { submit: 'many', status: -1 } } as unknown as JournalRecord];
    expect(summarizeRun({ ...trace, records: odd }, Date.parse(at(99))).schedulerCalls).toBeUndefined();
    expect(reportHtml({ ...trace, records: records.slice(0, -1) }, Date.parse(at(99)))).toContain('<b>not recorded</b>scheduler calls');
  });

  it('shows the total and the kinds that ran', () => {
    expect(reportHtml(trace, Date.parse(at(99)))).toContain('<b>12 (2 submit, 9 status, 1 info)</b>scheduler calls');
  });
});
