import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/journal.js';
import { replayJournal } from '../../src/run-state.js';

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
