import { describe, expect, it } from 'vitest';
import { ResumeMismatchError } from '../../src/errors.js';
import type { JournalRecord } from '../../src/journal.js';
import { checkResume, type ResumeInputs } from '../../src/resume-check.js';
import { replayJournal } from '../../src/run-state.js';

const time = '2026-01-01T00:00:00.000Z';
const recorded = replayJournal([
  { t: 'start', time, pid: 1, host: 'h', fingerprint: { fn: 'old', fnDescription: 'the source of function analyse', flavor: 'slurm', chunkSize: 4 } },
  { t: 'input-end', chunks: 2, tasks: 8 },
] satisfies JournalRecord[]);
const inputs: ResumeInputs = { workDir: '/runs/a', fnHash: 'new', fnDescription: 'the source of function analyse', flavor: 'slurm', chunkSize: undefined, tasks: 8, rerunFailed: 'same-fn' };

describe('checkResume and a changed fn', () => {
  it("refuses it by default, naming the option that accepts it for the failed tasks", () => {
    expect(() => checkResume(recorded, inputs)).toThrow(ResumeMismatchError);
    expect(() => checkResume(recorded, inputs)).toThrow(/with different code.*rerunFailed: 'any-fn'.*--rerun-failed any-fn.*new workDir/s);
    expect(() => checkResume(recorded, { ...inputs, rerunFailed: 'never' })).toThrow(/rerunFailed: 'any-fn'/);
  });

  it("accepts it with rerunFailed 'any-fn', keeping the first run's chunking; other differences are still refused", () => {
    expect(checkResume(recorded, { ...inputs, rerunFailed: 'any-fn' })).toMatchObject({ chunkSize: 4, numChunks: 2 });
    expect(() => checkResume(recorded, { ...inputs, rerunFailed: 'any-fn', flavor: 'sge' })).toThrow(/slurm flavor/);
    expect(() => checkResume(recorded, { ...inputs, rerunFailed: 'any-fn', tasks: 9 })).toThrow(/8 tasks/);
  });
});
