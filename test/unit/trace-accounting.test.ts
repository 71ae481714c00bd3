import { describe, expect, it } from 'vitest';
import { parseSacctAccounting } from '../../src/queues/slurm/accounting.js';
import { reportHtml } from '../../src/report/report-html.js';
import type { RunRecord } from '../../src/resume/run-json.js';
import { schedulerCause } from '../../src/trace/failure-cause.js';
import { journalJobIds } from '../../src/trace/scheduler-accounting.js';
import { buildTraceRows } from '../../src/trace/trace-rows.js';
import { TRACE_FIELDS, traceTsv } from '../../src/trace/trace-tsv.js';
import { fixture } from '../helpers/fixtures.js';
import { at, records } from '../helpers/trace-journal.js';

const result = (jobId: string) => ({ jobId, host: 'vm', startedAt: at(5), finishedAt: at(8), tasks: 1, failedTasks: 0, cpuSeconds: 1.1, peakRssKb: 66_000 });
const results = new Map([
  [0, result('560')],
  [1, result('561')],
]);
const accounting = parseSacctAccounting(fixture('slurm', 'live/sacct_accounting.out'));

describe('trace rows with the scheduler accounting', () => {
  const rows = buildTraceRows(records, results, accounting);

  it("puts sacct's numbers in the sched_ fields and keeps the worker's own", () => {
    expect(rows[0]).toMatchObject({
      nativeId: '560', peakRssKb: 66_000, cpuSeconds: 1.1, hostname: 'vm',
      schedState: 'COMPLETED', schedExit: 0, schedPeakRssKb: 1076, schedCpuSeconds: 1.165, schedElapsedSeconds: 2, schedHost: 'vm',
    });
  });

  it('takes the cause from the final state when the journal only says the job vanished', () => {
    expect(rows[1]).toMatchObject({ nativeId: '563', status: 'FAILED', schedState: 'OUT_OF_MEMORY', cause: 'out of memory' });
    expect(buildTraceRows(records, results)[1]!.cause).toBe('vanished');
  });

  it('prints the sched_ columns, "-" where the scheduler was not asked', () => {
    const [header, first] = traceTsv(rows).split('\n');
    expect(header!.split('\t')).toEqual([...TRACE_FIELDS]);
    const cell = (name: string) => first!.split('\t')[TRACE_FIELDS.indexOf(name as (typeof TRACE_FIELDS)[number])];
    expect([cell('sched_state'), cell('sched_exit'), cell('sched_peak_rss'), cell('sched_cpu_time'), cell('sched_elapsed')]).toEqual(['COMPLETED', '0', '1.1 MB', '1.2s', '2.0s']);
    const plain = traceTsv(buildTraceRows(records, results)).split('\n')[1]!.split('\t');
    expect(plain.slice(-6)).toEqual(['-', '-', '-', '-', '-', '-']);
  });

  it('names causes only from states that name one', () => {
    expect(['OUT_OF_MEMORY', 'TIMEOUT', 'NODE_FAIL', 'CANCELLED by 0', 'EXIT (TERM_RUNLIMIT: job killed after reaching LSF run time limit)'].map(schedulerCause)).toEqual([
      'out of memory', 'time limit', 'node failure', 'cancelled', 'time limit',
    ]);
    expect(schedulerCause('failed 37: qmaster enforced h_rt, h_cpu, or h_vmem limit')).toBeUndefined();
    expect(schedulerCause('exit_status 137 (Killed)')).toBeUndefined();
    expect(schedulerCause('COMPLETED')).toBeUndefined();
  });
});

describe('report with the scheduler accounting', () => {
  const trace = { dir: '/runs/r2', record: { runId: 'r2', flavor: 'slurm' } as RunRecord, records, rows: buildTraceRows(records, results, accounting) };

  it("shows the scheduler's words for failed attempts, and why accounting is missing", () => {
    const html = reportHtml({ ...trace, accountingNote: 'scheduler accounting not read: <timeout>' }, Date.parse(at(99)));
    expect(html).toContain('OUT_OF_MEMORY, exit 0, peak 3.1 MB');
    expect(html).toContain('Scheduler accounting: scheduler accounting not read: &lt;timeout&gt;');
  });
});

describe('the jobs the trace asks the scheduler about', () => {
  it("lists the journal's job ids, workers included", () => {
    expect(journalJobIds([...records, { t: 'workers', time: at(2), tickets: [0], ids: ['600_0'] }])).toEqual(['560', '563', '561', '600_0']);
  });
});
