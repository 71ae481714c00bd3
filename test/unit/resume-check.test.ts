import { describe, expect, it } from 'vitest';
import { ResumeMismatchError } from '../../src/errors.js';
import { chunkSizeAt } from '../../src/map/chunking.js';
import type { Fingerprint, JournalRecord } from '../../src/resume/journal.js';
import { checkResume, type ResumeInputs } from '../../src/resume/resume-check.js';
import { recordedPlan } from '../../src/map/run-plan.js';
import { replayJournal } from '../../src/resume/journal-replay.js';

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

describe('resuming an elastic map with bulk units', () => {
  const start = (fingerprint: Partial<Fingerprint>): JournalRecord => ({
    t: 'start',
    time,
    pid: 1,
    host: 'h',
    fingerprint: { fn: 'f', fnDescription: 'the source of function analyse', flavor: 'local', chunkSize: 500, elastic: { workers: 2 }, ...fingerprint },
  });
  const same: ResumeInputs = { ...inputs, fnHash: 'f', flavor: 'local', tasks: 100_000 };

  it('rebuilds the first run\'s layout from the start record: 20 units of 4000, then units of 500', () => {
    const first = replayJournal([start({ bulk: { size: 4000, chunks: 20 } }), { t: 'input-end', chunks: 60, tasks: 100_000 }]);
    const { plan, elasticPlan } = recordedPlan(first, same);
    expect(plan).toMatchObject({ chunkSize: 500, bulk: { size: 4000, chunks: 20 }, numChunks: 60 });
    expect(elasticPlan).toMatchObject({ unitSize: 500, bulk: { size: 4000, units: 20 }, units: 60 });
    const sizes = Array.from({ length: 60 }, (_, k) => chunkSizeAt(plan, k));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(chunkSizeAt(plan, 19)).toBe(4000);
    expect(chunkSizeAt(plan, 20)).toBe(500);
  });

  it('keeps equal units for a journal from before bulk units (no bulk in its start record)', () => {
    const old = replayJournal([start({}), { t: 'input-end', chunks: 200, tasks: 100_000 }]);
    const { plan, elasticPlan } = recordedPlan(old, same);
    expect(plan.bulk).toBeUndefined();
    expect(elasticPlan?.bulk).toBeUndefined();
    expect([0, 19, 20, 199].map((k) => chunkSizeAt(plan, k))).toEqual([500, 500, 500, 500]);
  });
});
