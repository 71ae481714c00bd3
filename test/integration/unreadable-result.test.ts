/**
 * A result file that cannot be read ends its attempt, never the map's progress (local flavor,
 * static chunks and elastic workers, fresh and resumed; the emulators run the same in
 * dummy-scenarios.ts). Before, such a chunk was marked seen before its file was read, and the
 * map waited for it forever.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapError, Pool } from '../../src/index.js';
import { mapWithGarbageResult, retireReasons, setAside, writeGarbageResult } from '../helpers/garbage-result.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { startsPerLog, unitStarts } from '../helpers/unit-starts.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder('qmr-unreadable-');
});
afterAll(async () => folder?.cleanup());
const workDirOf = (name: string) => path.join(folder.path, name);
const namesTheFile = /its result file \S*chunk-000001\.result cannot be decoded .*set aside as \S*chunk-000001\.result\.unreadable-\d+/;

describe.concurrent('local flavor: an unreadable result file', () => {
  for (const elastic of [false, true]) {
    const kind = elastic ? 'elastic workers' : 'static chunks';

    it(`fresh map (${kind}): a garbage result written while its job runs ends that attempt; the chunk runs again and the map finishes`, async () => {
      const workDir = workDirOf(`fresh-${elastic}`);
      const pool = new Pool({ workDir, keepWorkDir: 'always', concurrency: 2, ...(elastic ? {} : { elastic: false, chunkSize: 1 }) });
      const { out, reasons } = await mapWithGarbageResult(pool, workDir, folder.path);
      expect(out).toEqual([0, 10, 20]);
      expect(reasons).toEqual([expect.stringMatching(namesTheFile)]);
      expect(await setAside(workDir)).toHaveLength(1);
    });

    it(`resumed map (${kind}): a finished chunk whose result file is now garbage is run again, the others are read`, async () => {
      const workDir = workDirOf(`resumed-${elastic}`);
      const options = { workDir, keepWorkDir: 'always' as const, concurrency: 2, ...(elastic ? {} : { elastic: false, chunkSize: 1 }) };
      const square = (x: number) => x * x;
      expect(await new Pool(options).map(square, [0, 1, 2])).toEqual([0, 1, 4]);
      await writeGarbageResult(workDir, 1);
      expect(await new Pool(options).map(square, [0, 1, 2])).toEqual([0, 1, 4]);
      expect(await setAside(workDir)).toHaveLength(1);
      // The attempt is retired naming the file. (An elastic unit whose claim the first run saw only
      // after its result has no recorded attempt to retire: it is simply claimed and run again.)
      const reasons = await retireReasons(workDir, 1);
      if (!elastic || reasons.length > 0) expect(reasons).toEqual([expect.stringMatching(namesTheFile)]);
      const starts = elastic ? Object.fromEntries(await unitStarts(workDir)) : await startsPerLog(workDir, /^chunk-\d+\.err$/);
      expect(Object.values(starts)).toEqual([1, 2, 1]);
    });
  }

  it('past maxResubmissions the chunk fails naming the file, and the map ends (never waits forever)', async () => {
    const workDir = workDirOf('exhausted');
    const options = { workDir, keepWorkDir: 'always' as const, elastic: false, chunkSize: 1, maxResubmissions: 0 };
    expect(await new Pool(options).map((x: number) => x + 1, [0, 1, 2])).toEqual([1, 2, 3]);
    await writeGarbageResult(workDir, 1);
    // Resumed with no resubmission left for chunk 1 (its one attempt is the first run's).
    const error = (await new Pool(options).map((x: number) => x + 1, [0, 1, 2]).catch((e: unknown) => e)) as MapError;
    expect(error).toBeInstanceOf(MapError);
    expect(error.failures.map((f) => f.index)).toEqual([1]);
    expect(error.message).toMatch(/chunk-000001\.result cannot be decoded/);
  });
});
