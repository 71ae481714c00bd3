import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/resume/journal.js';
import { reportHtml } from '../../src/report/report-html.js';
import { hints, summarizeRun } from '../../src/report/run-summary.js';
import type { RunTrace } from '../../src/trace/read-trace.js';
import { buildTraceRows, exitStatusIn, type ResultSummary } from '../../src/trace/trace-rows.js';
import { humanDuration, humanKilobytes, TRACE_FIELDS, traceTsv } from '../../src/trace/trace-tsv.js';

const fingerprint = { fn: 'x', fnDescription: 'f', flavor: 'slurm', chunkSize: 2 };
const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 7, 0, s)).toISOString();

/** Three chunks: 0 runs at once, 1 is lost (out of memory) and resubmitted, 2 has a task that threw. */
const records: JournalRecord[] = [
  { t: 'start', time: at(0), pid: 1, host: 'login', fingerprint },
  { t: 'chunk', chunk: 0, firstTask: 0, count: 2, hash: 'a' },
  { t: 'chunk', chunk: 1, firstTask: 2, count: 2, hash: 'b' },
  { t: 'chunk', chunk: 2, firstTask: 4, count: 1, hash: 'c' },
  { t: 'input-end', chunks: 3, tasks: 5 },
  { t: 'submit', time: at(1), chunks: [0, 1, 2], ids: ['7_0', '7_1', '7_2'] },
  { t: 'retire', time: at(20), chunk: 1, job: '7_1', reason: 'job 7_1 (OUT_OF_MEMORY, exit status 137) ended without writing a result' },
  { t: 'submit', time: at(21), chunks: [1], ids: ['8'] },
  { t: 'done', chunk: 0, job: '7_0', failedTasks: 0 },
  { t: 'done', chunk: 2, job: '7_2', failedTasks: 1 },
  { t: 'done', chunk: 1, job: '8', failedTasks: 0 },
  { t: 'end', time: at(40), outcome: 'finished' },
];
const result = (jobId: string, start: number, end: number, failedTasks = 0, tasks = 2): ResultSummary => ({
  jobId, host: 'node1', startedAt: at(start), finishedAt: at(end), tasks, failedTasks, cpuSeconds: (end - start) / 2, peakRssKb: 100 * 1024,
});
const results = new Map([
  [0, result('7_0', 5, 8)],
  [1, result('8', 30, 33)],
  [2, result('7_2', 6, 9, 1, 1)],
]);

describe('trace rows', () => {
  const rows = buildTraceRows(records, results);

  it("shows each attempt's request: the map's, or the one a retry raised", () => {
    const raised = records.map((r) => (r.t === 'submit' && r.ids[0] === '8' ? { ...r, resources: { memory: '4096M', walltime: 3600 } } : r));
    const requested = buildTraceRows(raised, results, new Map(), { memory: '2G', walltime: '1:00:00' });
    expect(requested.map((r) => [r.taskId, r.attempt, r.memoryMb, r.timeSeconds])).toEqual([
      [0, 1, 2048, 3600],
      [1, 1, 2048, 3600],
      [1, 2, 4096, 3600],
      [2, 1, 2048, 3600],
    ]);
    const tsv = traceTsv(requested).trim().split('\n');
    const memory = TRACE_FIELDS.indexOf('memory');
    expect(tsv.slice(1).map((line) => line.split('\t')[memory])).toEqual(['2.00 GB', '2.00 GB', '4.00 GB', '2.00 GB']);
  });

  it('has one row per attempt, with the result file facts on the job that wrote it', () => {
    expect(rows.map((r) => [r.taskId, r.attempt, r.nativeId, r.status])).toEqual([
      [0, 1, '7_0', 'COMPLETED'],
      [1, 1, '7_1', 'FAILED'],
      [1, 2, '8', 'COMPLETED'],
      [2, 1, '7_2', 'FAILED'],
    ]);
    const [first, lost, retry, threw] = rows;
    expect(first).toMatchObject({ queueWait: 4000, realtime: 3000, duration: 7000, hostname: 'node1', exit: 0, cpuPercent: 50, peakRssKb: 102400 });
    expect(lost).toMatchObject({ cause: 'out of memory', exit: 137, complete: Date.parse(at(20)), start: undefined, duration: 19000 });
    expect(retry).toMatchObject({ queueWait: 9000, cause: undefined });
    expect(threw).toMatchObject({ cause: 'task error', failedTasks: 1, reason: '1 of 1 task(s) threw' });
  });

  it('leaves a live attempt SUBMITTED, and marks jobs cancelled as the run ended ABORTED', () => {
    const live = buildTraceRows(records.slice(0, 6), new Map());
    expect(live.map((r) => r.status)).toEqual(['SUBMITTED', 'SUBMITTED', 'SUBMITTED']);
    const cancelled = buildTraceRows([...records.slice(0, 6), { t: 'cancel', time: at(9), ids: ['7_2'], why: 'map aborted' }, { t: 'end', time: at(10), outcome: 'aborted' }], new Map());
    expect(cancelled[2]).toMatchObject({ status: 'ABORTED', cause: 'cancelled', complete: Date.parse(at(9)) });
  });

  it('shows which fn ran each attempt, and a rerun of failed tasks as an attempt of those tasks only', () => {
    const fixedFn = 'f'.repeat(64);
    const rerun: JournalRecord[] = [
      ...records.filter((r) => r.t !== 'done' || r.chunk !== 2).map((r) => (r.t === 'done' ? { ...r, fn: 'x' } : r)),
      { t: 'done', chunk: 2, job: '7_2', failedTasks: 1, fn: 'x' },
      { t: 'resume', time: at(50), pid: 2, host: 'login', fn: { hash: fixedFn, description: 'the source of function fixed' } },
      { t: 'chunk', chunk: 3, firstTask: 5, count: 3, hash: 'd' },
      { t: 'rerun', time: at(51), chunk: 2, fn: 'ffffffffffff' },
      { t: 'rerun', time: at(51), chunk: 1, tasks: [1], fn: 'ffffffffffff' },
      { t: 'submit', time: at(52), chunks: [1, 2], ids: ['9_0', '9_1'] },
      { t: 'done', chunk: 1, job: '9_0', failedTasks: 0, fn: 'ffffffffffff' },
    ];
    const after = new Map([...results, [1, result('9_0', 55, 56, 0, 2)]]);
    const traced = buildTraceRows(rerun, after);
    expect(traced.map((r) => [r.taskId, r.attempt, r.fn, r.tasks, r.status, r.failedTasks])).toEqual([
      [0, 1, 'x', 2, 'COMPLETED', 0],
      [1, 1, 'x', 2, 'FAILED', undefined],
      [1, 2, 'x', 2, 'COMPLETED', 0],
      [1, 3, 'ffffffffffff', 1, 'COMPLETED', 0],
      [2, 1, 'x', 1, 'FAILED', 1],
      [2, 2, 'ffffffffffff', 1, 'SUBMITTED', undefined],
    ]);
    expect(traced.map((r) => r.name)).toContain('chunk 1 (tasks 2-3), rerun of task 3');
    expect(traced.at(-1)!.name).toBe('chunk 2 (task 4), rerun');
    const fnColumn = TRACE_FIELDS.indexOf('fn');
    expect(traceTsv(traced).trim().split('\n').map((line) => line.split('\t')[fnColumn])).toEqual(['fn', 'x', 'x', 'x', 'ffffffffffff', 'x', 'ffffffffffff']);
  });

  it('reads result files without the measured fields (older workers)', () => {
    const old = new Map([[0, { ...result('7_0', 5, 8), cpuSeconds: undefined, peakRssKb: undefined }]]);
    expect(buildTraceRows(records, old)[0]).toMatchObject({ status: 'COMPLETED', cpuSeconds: undefined, cpuPercent: undefined, realtime: 3000 });
  });

  it('prints TSV with a header of Nextflow names and one tab-free line per attempt', () => {
    const lines = traceTsv(rows).trimEnd().split('\n');
    expect(lines[0]!.split('\t')).toEqual([...TRACE_FIELDS]);
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.split('\t')).toHaveLength(TRACE_FIELDS.length);
    expect(lines[2]).toContain('out of memory');
    expect(lines[1]).toContain('2026-12-03 07:00:05.000');
    expect(exitStatusIn('exit code 3')).toBe(3);
    expect([humanDuration(850), humanDuration(4200), humanDuration(184_000), humanKilobytes(1536)]).toEqual(['850ms', '4.2s', '3m 4s', '1.5 MB']);
  });
});

describe('report', () => {
  const trace: RunTrace = {
    dir: '/runs/r1',
    record: { runId: 'r1', flavor: 'slurm', options: { resources: { memory: '16G', cpus: 2 } } },
    records,
    rows: buildTraceRows(records, results),
  };

  it('sums the run up and gives hints a user can act on', () => {
    const summary = summarizeRun(trace, Date.parse(at(99)));
    expect(summary).toMatchObject({ tasks: 5, failedTasks: 1, chunks: 3, jobs: 4, resubmissions: 1, wallMs: 40_000, cpus: 2, requestedMemoryMb: 16384 });
    expect(summary.coreHours).toBeCloseTo((9000 * 2) / 3_600_000);
    const advice = hints(summary, trace.rows, trace.dir).join('\n');
    expect(advice).toContain('asked 16.00 GB of memory per job, peak was 100.0 MB');
    expect(advice).toContain('median job ran 3.0s: larger chunks');
    // Chunk 1's retry with more memory finished it: the hint says so, not "raise resources.memory".
    expect(advice).toContain('1 job(s) ran out of memory; their chunks finished when resubmitted with more (retry)');
    expect(advice).not.toContain('raise resources.memory');
    const unfixed = buildTraceRows(records.filter((r) => !(r.t === 'submit' && r.ids[0] === '8') && !(r.t === 'done' && r.job === '8')), new Map([...results].filter(([chunk]) => chunk !== 1)));
    expect(hints(summary, unfixed, trace.dir).join('\n')).toContain('1 job(s) ran out of memory and their chunks have not finished: raise resources.memory');
    expect(advice).toContain('qmr inspect /runs/r1 2');
  });

  it("calls a run whose tasks threw failed, also from an older journal's 'finished' end record", () => {
    expect(summarizeRun(trace, Date.parse(at(99))).state).toBe('failed');
    const clean = { ...trace, rows: trace.rows.map((r) => ({ ...r, failedTasks: 0 })) };
    expect(summarizeRun(clean, Date.parse(at(99))).state).toBe('finished');
  });

  it('is one HTML page with its parts, nothing fetched, free text escaped', () => {
    const evil = { ...trace, record: { ...trace.record, runId: '<script>x</script>' } };
    const html = reportHtml(evil, Date.parse(at(99)));
    for (const id of ['summary', 'hints', 'timeline', 'distributions', 'failures']) expect(html).toContain(`<section id="${id}">`);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    expect(html).toContain('&lt;script&gt;');
    expect(html.match(/<g class="job/g)).toHaveLength(4);
    expect(html).toContain('class="job resubmission"');
    expect(html).toMatch(/rect class="wait"[^>]*\/><rect class="run"/);
  });
});
