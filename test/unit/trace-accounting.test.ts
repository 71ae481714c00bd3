import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/journal.js';
import { parseSacctAccounting } from '../../src/queues/slurm/accounting.js';
import { reportHtml } from '../../src/report/report-html.js';
import type { RunRecord } from '../../src/run-record.js';
import { schedulerCause } from '../../src/trace/failure-cause.js';
import { journalJobIds, lookUpAccounting } from '../../src/trace/scheduler-accounting.js';
import { buildTraceRows } from '../../src/trace/trace-rows.js';
import { TRACE_FIELDS, traceTsv } from '../../src/trace/trace-tsv.js';
import { fixture } from '../helpers/fixtures.js';
import { temporaryFolder } from '../helpers/tmp.js';

const fingerprint = { fn: 'x', fnDescription: 'f', flavor: 'slurm', chunkSize: 1 };
const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 9, 9, s)).toISOString();

/** Chunk 0 ran as 560 (COMPLETED); chunk 1's first job 563 vanished (sacct: OUT_OF_MEMORY), its retry 561 wrote a result. */
const records: JournalRecord[] = [
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

describe('asking the scheduler for the trace', () => {
  /** An sacct that never answers, and one that knows only job 560. */
  const hanging = { path: '' };
  const partial = { path: '' };
  /** A qacct that answers about a job once the clock passes the time (ms) in the file `until-JOB`. */
  const slowQacct = { path: '' };
  let folder: { path: string; cleanup: () => Promise<void> } | undefined;
  beforeAll(async () => {
    folder = await temporaryFolder('qmr-acct-');
    hanging.path = path.join(folder.path, 'sacct');
    await writeFile(hanging.path, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    slowQacct.path = path.join(folder.path, 'qacct');
    await writeFile(
      slowQacct.path,
      `#!/bin/sh\nuntil=$(cat '${folder.path}/until-'"$2" 2>/dev/null || echo 0)\nwhile [ "$(date +%s%3N)" -lt "$until" ]; do sleep 0.05; done\n` +
        'printf "jobnumber    %s\\ntaskid       undefined\\nfailed       0\\nexit_status  0\\n" "$2"\n',
      { mode: 0o755 },
    );
    partial.path = path.join(folder.path, 'sacct-560');
    await writeFile(partial.path, '#!/bin/sh\necho "560|COMPLETED|0:0||00:01.165|00:00:02|vm|2026-12-03T09:09:28|2026-12-03T09:09:30"\n', { mode: 0o755 });
  });
  afterAll(async () => folder?.cleanup());

  const slurmRun = (commands: Record<string, string>) => ({ runId: 'r3', flavor: 'slurm', options: { flavor: 'slurm', commands } }) as unknown as RunRecord;

  it('keeps what qacct answered before the time ran out, and says how much that was', async () => {
    const sgeRun = { runId: 'r5', flavor: 'sge', options: { flavor: 'sge', commands: { qacct: slowQacct.path } } } as unknown as RunRecord;
    // Commands start only in the first half of the 8 s (until 4 s), each may take 4 s. The answers
    // come by the clock, not by the machine's speed: 560's at 2 s, 563's at 4.2 s, after the
    // half, so 561 is never asked; about 2 s of slack for starting each command on a busy machine.
    const started = Date.now();
    await writeFile(path.join(folder!.path, 'until-560'), String(started + 2000));
    await writeFile(path.join(folder!.path, 'until-563'), String(started + 4200));
    const lookup = await lookUpAccounting(sgeRun, records, 8000);
    expect([...lookup.byJob.keys()]).toEqual(['560', '563']);
    expect(lookup.byJob.get('563')).toEqual({ state: 'exit_status 0', exitCode: 0 });
    expect(lookup.note).toMatch(/accounting has 2 of this run's 3 job\(s\)/);
  });

  it("lists the journal's job ids, workers included", () => {
    expect(journalJobIds([...records, { t: 'workers', time: at(2), tickets: [0], ids: ['600_0'] }])).toEqual(['560', '563', '561', '600_0']);
  });

  it('asks nothing for a local run or a run without jobs', async () => {
    expect(await lookUpAccounting({ ...slurmRun({}), flavor: 'local' }, records)).toEqual({ byJob: new Map() });
    expect(await lookUpAccounting(slurmRun({}), records.slice(0, 3))).toEqual({ byJob: new Map() });
  });

  it('says why, rather than failing, when sacct is missing, fails or hangs', async () => {
    const missing = await lookUpAccounting(slurmRun({ sacct: '/nonexistent/sacct' }), records);
    expect(missing.byJob.size).toBe(0);
    expect(missing.note).toMatch(/keeps no accounting qmr can read here/);
    const silent = await lookUpAccounting(slurmRun({ sacct: '/bin/true' }), records);
    expect(silent.note).toMatch(/accounting knows none of this run's 3 job\(s\)/);
    const some = await lookUpAccounting(slurmRun({ sacct: partial.path }), records);
    expect(some.byJob.get('560')).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(some.note).toMatch(/accounting has 1 of this run's 3 job\(s\)/);
    const failing = await lookUpAccounting(slurmRun({ sacct: '/bin/false' }), records);
    expect(failing.note).toMatch(/^scheduler accounting not read: slurm accounting command failed: `\/bin\/false/);
    // The sacct hangs for 600 s: the lookup coming back at all (within the test's time) is the bound.
    const hung = await lookUpAccounting(slurmRun({ sacct: hanging.path }), records, 300);
    expect(hung.note).toMatch(/^scheduler accounting not read: (no answer within 0.3 s|slurm accounting command failed: .* timed out after 150 ms)/);
  });
});
