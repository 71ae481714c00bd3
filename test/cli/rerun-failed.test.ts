/**
 * `qmr resume DIR --rerun-failed any-fn`: after the user fixed a bug in fn's module, the failed
 * tasks run with the edited code, the others keep their results, and `qmr trace` says which
 * function version produced which result. Without the flag the edited module is refused, with
 * the flag named.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapError, Pool } from '../../src/index.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { assertBuilt, qmr, starts } from './helpers.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  assertBuilt();
  folder = await temporaryFolder('qmr-cli-rerun-');
});
afterAll(async () => folder.cleanup());

describe('qmr resume --rerun-failed', () => {
  it('runs the failed tasks with the fixed module only when told to, and the trace names each function version', async () => {
    const module = path.join(folder.path, 'analyse.mjs');
    const workDir = path.join(folder.path, 'run');
    await writeFile(module, "export function analyse(x) { if (x % 3 === 2) throw new Error('off by one'); return x * 10; }\n");
    const error = await new Pool({ workDir, keepWorkDir: 'always', chunkSize: 2, progress: false })
      .map({ module, export: 'analyse' }, [0, 1, 2, 3, 4, 5])
      .catch((e: unknown) => e);
    expect((error as MapError).failures.map((f) => f.index)).toEqual([2, 5]);
    await writeFile(module, 'export function analyse(x) { return x * 10; }\n'); // the fix

    const refused = await qmr(['resume', workDir]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('with different code');
    expect(refused.stderr).toContain('--rerun-failed any-fn');

    const r = await qmr(['resume', workDir, '--rerun-failed', 'any-fn']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`run: 6 of 6 tasks succeeded; results in ${workDir}\n`);
    // Chunk 0 (tasks 0, 1) had no failure: not run again. Chunks 1 and 2 ran only task 2 and task 5.
    expect([await starts(workDir, 0), await starts(workDir, 1), await starts(workDir, 2)]).toEqual([1, 2, 2]);
    expect(await readFile(path.join(workDir, 'logs', 'chunk-000002.err'), 'utf8')).toContain('rerunning its 1 failed task(s) at positions 1');

    const trace = await qmr(['trace', workDir]);
    expect(trace.exitCode).toBe(0);
    const [header, ...lines] = trace.stdout.trim().split('\n');
    const fields = header!.split('\t');
    const cell = (line: string, name: string) => line.split('\t')[fields.indexOf(name)]!;
    const rows = lines.map((line) => ({ task: cell(line, 'task_id'), attempt: cell(line, 'attempt'), tasks: cell(line, 'tasks'), fn: cell(line, 'fn'), status: cell(line, 'status') }));
    const [oldFn, newFn] = [rows[0]!.fn, rows.at(-1)!.fn];
    expect(oldFn).toMatch(/^[0-9a-f]{12}$/);
    expect(newFn).toMatch(/^[0-9a-f]{12}$/);
    expect(newFn).not.toBe(oldFn);
    expect(rows).toEqual([
      { task: '0', attempt: '1', tasks: '2', fn: oldFn, status: 'COMPLETED' },
      { task: '1', attempt: '1', tasks: '2', fn: oldFn, status: 'FAILED' },
      { task: '1', attempt: '2', tasks: '1', fn: newFn, status: 'COMPLETED' },
      { task: '2', attempt: '1', tasks: '2', fn: oldFn, status: 'FAILED' },
      { task: '2', attempt: '2', tasks: '1', fn: newFn, status: 'COMPLETED' },
    ]);
  });
});
