/** Whole maps on the local flavor fed odd inputs: what tasks throw or return, and changed functions on resume. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapError, Pool, RemoteTaskError, SerializationError, type Progress } from '../../src/index.js';
import { temporaryFolder } from '../helpers/tmp.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
});
afterAll(async () => folder.cleanup());

const workDirOf = (name: string) => path.join(folder.path, name);

describe('odd inputs, whole maps on the local flavor', () => {
  it("keeps the other tasks' results when a task throws an error with a `failure` property", async () => {
    const pool = new Pool({ workDir: workDirOf('thrown-props') });
    const error = await pool
      .map((x: number) => {
        if (x === 2) throw Object.assign(new Error('x'), { failure: 'mine', message2: 'm', code: 'E_TWO' });
        return x * 10;
      }, [1, 2, 3])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MapError);
    const mapError = error as MapError<number>;
    expect(mapError.results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([10, 'failed', 30]);
    const reason = (mapError.results[1] as { reason: RemoteTaskError }).reason;
    expect(reason.failure.index).toBe(1);
    expect(reason.props).toMatchObject({ failure: 'mine', code: 'E_TWO' });
    expect((reason as unknown as { code: string }).code).toBe('E_TWO');
    expect(mapError.message).toContain('task 1 (chunk');
  });

  it('refuses to resume with a function whose regex flags changed', async () => {
    const workDir = workDirOf('regex-resume');
    const words = ['A', 'a', 'b'];
    expect(await new Pool({ workDir, keepWorkDir: 'always' }).map((s: string) => /A/.test(s), words)).toEqual([true, false, false]);
    await expect(new Pool({ workDir }).map((s: string) => /A/i.test(s), words)).rejects.toThrow(/different function/);
  });

  it('fails a task whose result is too large to encode at once, saying so and how large, and keeps the others', async () => {
    const seen: Progress[] = [];
    const pool = new Pool({ workDir: workDirOf('huge-result'), chunkSize: 3, onProgress: (p) => seen.push(p) });
    // About 600 MB as JSON (one 1 MB string, 600 times): more than a string can hold.
    const error = await pool
      .map((x: number) => (x === 1 ? new Array(600).fill('x'.repeat(1 << 20)) : x * 2), [0, 1, 2])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MapError);
    const mapError = error as MapError<unknown>;
    expect(mapError.results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(mapError.results[2]).toEqual({ status: 'fulfilled', value: 4 });
    expect(mapError.failures[0]!.message).toMatch(
      /task 1 returned a value that cannot be sent back: the value is too large to encode: about 6\d\d MB \(RangeError: Invalid string length\)/,
    );
    // Run once: the chunk was not resubmitted.
    expect(seen.at(-1)!.resubmissions).toBe(0);
  }, 120_000);

  it('names the task too large to encode, or whose getter throws, before anything is submitted', async () => {
    const big = new Array(600).fill('y'.repeat(1 << 20));
    const tooLarge = await new Pool({ workDir: workDirOf('huge-task') }).map((t: unknown) => t, [1, 2, big]).catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(SerializationError);
    expect((tooLarge as SerializationError).taskIndex).toBe(2);
    expect((tooLarge as Error).message).toMatch(/task 2 cannot be sent to a worker: tasks\[2\] is too large to encode: about 6\d\d MB/);

    const withGetter = {
      get broken(): number {
        throw new Error('not now');
      },
    };
    const threw = await new Pool({ workDir: workDirOf('getter-task') }).map((t: unknown) => t, [1, withGetter]).catch((e: unknown) => e);
    expect(threw).toBeInstanceOf(SerializationError);
    expect((threw as SerializationError).taskIndex).toBe(1);
    expect((threw as Error).message).toMatch(/task 1 cannot be sent to a worker: tasks\[1\] could not be read to encode it: Error: not now/);
  }, 120_000);
});
