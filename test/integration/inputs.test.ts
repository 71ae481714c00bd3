/** Whole maps on the local flavor fed odd inputs: what tasks throw or return, and changed functions on resume. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapError, Pool, RemoteTaskError } from '../../src/index.js';
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
});
