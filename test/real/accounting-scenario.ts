/**
 * The trace's scheduler columns against a real scheduler: a small map run with its work dir
 * kept, then its trace read with the scheduler's accounting (what `qmr trace` does), which must
 * show the scheduler's own numbers for every job; and the journal's end record its call counts.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { readJournal } from '../../src/resume/journal.js';
import { readTrace, type RunTrace } from '../../src/trace/read-trace.js';
import { jobNameFor, scenarioFolder, type RealFlavor } from './scenarios.js';

export interface AccountingExpectations {
  /** The scheduler's words for a job that ended well (sacct COMPLETED, qacct exit_status 0). */
  completed: RegExp;
  /** And for a job whose script exited 3. */
  exited3: RegExp;
  /**
   * Set when the scheduler runs without accounting (.ci/run re-runs the Slurm file so): the trace
   * must then say so in its note and leave the scheduler's columns empty, not fail.
   */
  noAccounting?: RegExp;
}

export function realAccountingScenario(real: RealFlavor, expected: AccountingExpectations): void {
  const folder = scenarioFolder(`qmr-real-acct-${real.flavor}-`);

  it("shows the scheduler's accounting of each job in the trace, and the scheduler calls in the journal", async () => {
    const jobName = jobNameFor('acct');
    const workDir = path.join(folder.path, jobName);
    const pool = new Pool({
      flavor: real.flavor,
      ...(real.commands ? { commands: real.commands } : {}),
      workDir,
      keepWorkDir: 'always',
      chunkSize: 2,
      maxResubmissions: 0,
      resources: { jobName },
      pollInterval: 500,
      maxPollInterval: 2000,
      progress: false,
    });
    // Chunk 1's job exits 3 from inside the worker: a job the scheduler saw fail.
    const error = await pool
      .map(async (x: number) => {
        if (x === 3) process.exit(3);
        // Enough memory and CPU to show up in any accounting.
        const block = Buffer.alloc(20 * 1024 * 1024, x);
        let sum = 0;
        for (let i = 0; i < 3e7; i++) sum += i % 7;
        return block[0]! + sum * 0;
      }, [0, 1, 2, 3])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);

    if (expected.noAccounting) {
      const trace = await readTrace(workDir, { accounting: true });
      expect(trace.accountingNote).toMatch(expected.noAccounting);
      expect(trace.rows.map((r) => [r.status, r.schedState, r.schedExit])).toEqual([['COMPLETED', undefined, undefined], ['FAILED', undefined, undefined]]);
      const end = (await readJournal(path.join(workDir, 'journal.jsonl'))).findLast((r) => r.t === 'end');
      expect(end?.t === 'end' && end.calls).toMatchObject({ submit: 1 });
      return;
    }
    // Accounting is written as jobs end, maybe a moment after the pool saw their results.
    let trace: RunTrace | undefined;
    for (let i = 0; i < 40; i++) {
      trace = await readTrace(workDir, { accounting: true });
      if (trace.rows.length === 2 && trace.rows.every((r) => r.schedExit !== undefined)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(trace!.accountingNote).toBeUndefined();
    const [good, bad] = trace!.rows;
    expect(good).toMatchObject({ status: 'COMPLETED', schedExit: 0 });
    expect(good!.schedState).toMatch(expected.completed);
    expect(good!.schedCpuSeconds).toBeGreaterThanOrEqual(0);
    expect(good!.schedElapsedSeconds).toBeGreaterThanOrEqual(0);
    expect(good!.schedPeakRssKb).toBeGreaterThan(0);
    expect(good!.schedHost).toBeTruthy();
    expect(bad).toMatchObject({ status: 'FAILED', schedExit: 3 });
    expect(bad!.schedState).toMatch(expected.exited3);

    const end = (await readJournal(path.join(workDir, 'journal.jsonl'))).findLast((r) => r.t === 'end');
    expect(end?.t === 'end' && end.calls).toMatchObject({ submit: 1, cancel: expect.any(Number) });
    expect(end?.t === 'end' && end.calls!.status).toBeGreaterThan(0);
  });
}
