import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/resume/journal.js';
import { replayJournal } from '../../src/resume/journal-replay.js';

const fingerprint = { fn: 'x', fnDescription: 'f', flavor: 'sge', chunkSize: 1 };
const time = '2026-01-01T00:00:00.000Z';
const start: JournalRecord[] = [
  { t: 'start', time, pid: 1, host: 'h', fingerprint },
  { t: 'chunk', chunk: 0, firstTask: 0, count: 1, hash: 'a' },
  { t: 'chunk', chunk: 1, firstTask: 1, count: 1, hash: 'b' },
  { t: 'input-end', chunks: 2, tasks: 2 },
  { t: 'submit', time, chunks: [0, 1], ids: ['7.1', '7.2'] },
];

describe('replayJournal', () => {
  it('keeps how many tasks of a done chunk threw', () => {
    const run = replayJournal([...start, { t: 'done', chunk: 0, job: '7.1', failedTasks: 1 }, { t: 'done', chunk: 1, job: '7.2' }]);
    expect(run.chunks.get(0)).toMatchObject({ phase: 'done', failedTasks: 1 });
    expect(run.chunks.get(1)!.failedTasks).toBeUndefined();
  });

  it('a job cancelled as the run ended is over: its chunk is to be submitted again', () => {
    const run = replayJournal([
      ...start,
      { t: 'done', chunk: 0, job: '7.1' },
      { t: 'cancel', time, ids: ['7.2'], why: 'qmr cancel' },
      { t: 'end', time, outcome: 'aborted' },
    ]);
    expect(run.chunks.get(1)!.phase).toBe('unsubmitted');
    expect(run.chunks.get(1)!.attempts[0]!.endedBecause).toBe('cancelled (qmr cancel)');
    expect(run.chunks.get(0)!.phase).toBe('done');
  });

  it('a cancel with no end after it (the process died) leaves the job to be watched', () => {
    const run = replayJournal([...start, { t: 'cancel', time, ids: ['7.2'], why: 'duplicate' }]);
    expect(run.chunks.get(1)!.phase).toBe('queued');
  });
});

describe('replayJournal: reruns of failed tasks', () => {
  it("a 'rerun' record puts a done chunk with failures back to be run, with a fresh budget", () => {
    const run = replayJournal([
      ...start,
      { t: 'done', chunk: 0, job: '7.1', failedTasks: 1, fn: 'aaaaaaaaaaaa' },
      { t: 'done', chunk: 1, job: '7.2', failedTasks: 0, fn: 'aaaaaaaaaaaa' },
      { t: 'end', time, outcome: 'finished' },
      { t: 'resume', time, pid: 2, host: 'h' },
      { t: 'rerun', time, chunk: 0, tasks: [0], fn: 'aaaaaaaaaaaa' },
    ]);
    expect(run.chunks.get(0)).toMatchObject({ phase: 'unsubmitted', attempts: [], reruns: 1 });
    expect(run.chunks.get(0)!.failedTasks).toBeUndefined();
    expect(run.chunks.get(1)).toMatchObject({ phase: 'done', failedTasks: 0, fn: 'aaaaaaaaaaaa' });
  });

  it('a resume that ran a changed fn makes it the run fn, and the rerun result names it', () => {
    const run = replayJournal([
      ...start,
      { t: 'done', chunk: 0, job: '7.1', failedTasks: 1, fn: 'x' },
      { t: 'resume', time, pid: 2, host: 'h', fn: { hash: 'y'.repeat(64), description: 'the source of function fixed' } },
      { t: 'rerun', time, chunk: 0, tasks: [0], fn: 'yyyyyyyyyyyy' },
      { t: 'submit', time, chunks: [0], ids: ['8'] },
      { t: 'done', chunk: 0, job: '8', failedTasks: 0, fn: 'yyyyyyyyyyyy' },
    ]);
    expect(run.fingerprint).toMatchObject({ fn: 'y'.repeat(64), fnDescription: 'the source of function fixed', flavor: 'sge' });
    expect(run.chunks.get(0)).toMatchObject({ phase: 'done', failedTasks: 0, fn: 'yyyyyyyyyyyy', attempts: [{ jobId: '8' }] });
  });
});
