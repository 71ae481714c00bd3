import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, MapError, Pool, SerializationError, type Progress } from '../../src/index.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { FIXTURES } from '../helpers/fixtures.js';

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder();
});
afterAll(async () => folder.cleanup());

const workDirOf = (name: string) => path.join(folder.path, name);

describe('local flavor, whole maps', () => {
  it('returns results in task order', async () => {
    const pool = new Pool({ workDir: workDirOf('order'), chunkSize: 7 });
    const tasks = Array.from({ length: 100 }, (_, i) => i);
    expect(await pool.map((x: number) => x * x, tasks)).toEqual(tasks.map((x) => x * x));
  });

  it('keeps rich types both ways', async () => {
    const pool = new Pool({ workDir: workDirOf('types') });
    const task = {
      when: new Date('2030-01-02T03:04:05Z'),
      map: new Map([['a', 1n << 70n]]),
      set: new Set(['x']),
      bytes: new Float32Array([0.5, 2]),
      buffer: Buffer.from('data'),
      pattern: /qm+r/i,
      nothing: undefined,
      nan: NaN,
    };
    const [out] = await pool.map(
      (t: typeof task) => ({
        year: t.when.getUTCFullYear(),
        big: t.map.get('a')! * 2n,
        isSet: t.set instanceof Set,
        sum: t.bytes[0]! + t.bytes[1]!,
        text: t.buffer.toString(),
        matches: t.pattern.test('QMMR'),
        nothingIsUndefined: t.nothing === undefined && 'nothing' in t,
        nanStays: Number.isNaN(t.nan),
        back: t,
      }),
      [task],
    );
    expect(out).toMatchObject({ year: 2030, big: 1n << 71n, isSet: true, sum: 2.5, text: 'data', matches: true, nothingIsUndefined: true, nanStays: true });
    expect(out!.back.when).toEqual(task.when);
    expect(Buffer.isBuffer(out!.back.buffer)).toBe(true);
    expect(out!.back.bytes).toBeInstanceOf(Float32Array);
  });

  it('runs module functions (named and default exports) and async functions', async () => {
    const pool = new Pool({ workDir: workDirOf('module') });
    const module = path.join(FIXTURES, 'modules', 'work.mjs');
    const digests = await pool.map({ module, export: 'digest' }, ['a', 'b']);
    expect(digests).toHaveLength(2);
    expect(digests[0]).toMatch(/^[0-9a-f]{12}$/);
    const pool2 = new Pool({ workDir: workDirOf('module-default') });
    expect(await pool2.map({ module: new URL(`file://${module}`), export: 'default' }, [1, 2])).toEqual([2, 4]);
    const pool3 = new Pool({ workDir: workDirOf('async') });
    expect(await pool3.map(async (x: number) => new Promise((r) => setTimeout(() => r(x + 1), 5)), [1, 2, 3])).toEqual([2, 3, 4]);
  });

  it('rejects with every failed task, the remote stack and the logs, keeping the work dir and the other results', async () => {
    const pool = new Pool({ workDir: workDirOf('throws'), chunkSize: 2 });
    const error = await pool
      .map((x: number) => {
        if (x % 5 === 3) throw new TypeError(`bad task ${x}`);
        return x;
      }, Array.from({ length: 10 }, (_, i) => i))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MapError);
    const mapError = error as MapError<number>;
    expect(mapError.failures.map((f) => f.index)).toEqual([3, 8]);
    expect(mapError.failures[0]!.remote?.name).toBe('TypeError');
    expect(mapError.failures[0]!.remote?.stack).toContain('bad task 3');
    expect(mapError.message).toContain('2 of 10 tasks failed');
    expect(mapError.message).toContain('task 3 (chunk 1, job local-');
    expect(mapError.message).toContain(`work dir kept: ${workDirOf('throws')}`);
    expect(mapError.message).toContain('chunk-000001.err');
    expect(mapError.workDir).toBe(workDirOf('throws'));
    expect(mapError.results[4]).toEqual({ status: 'fulfilled', value: 4 });
    expect(mapError.results[3]!.status).toBe('rejected');
    await expect(stat(workDirOf('throws'))).resolves.toBeTruthy();
  });

  it('returns settled results on request', async () => {
    const pool = new Pool({ workDir: workDirOf('settled') });
    const settled = await pool.map(
      (x: number) => {
        if (x === 1) throw new Error('one');
        return x;
      },
      [0, 1, 2],
      { settled: true },
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const rejected = settled[1] as { status: 'rejected'; reason: Error };
    expect(rejected.reason.message).toBe('Error: one');
    expect(rejected.reason.stack).toContain('one');
  });

  it('refuses a task that cannot be sent, naming its index, before anything runs', async () => {
    const pool = new Pool({ workDir: workDirOf('unsendable') });
    const tasks: unknown[] = [1, 2, { nested: [() => 3] }];
    const error = await pool.map((x: unknown) => x, tasks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as SerializationError).taskIndex).toBe(2);
    expect((error as Error).message).toMatch(/task 2 cannot be sent to a worker: tasks\[2\]\.nested\[0\] is a function/);
    // nothing ran: no result files
    expect(await readdir(path.join(workDirOf('unsendable'), 'results')).catch(() => [])).toEqual([]);
  });

  it('makes the work dir 0700 and the job script readable by its owner only, and removes it on success', async () => {
    const seen: { dir?: number; script?: number } = {};
    const dir = workDirOf('perms');
    const pool = new Pool({
      workDir: dir,
      keepWorkDir: 'always',
      onProgress: () => undefined,
    });
    await pool.map((x: number) => x, [1]);
    seen.dir = (await stat(dir)).mode & 0o777;
    seen.script = (await stat(path.join(dir, 'job.sh'))).mode & 0o777;
    expect(seen).toEqual({ dir: 0o700, script: 0o700 });
    const removed = workDirOf('removed');
    await new Pool({ workDir: removed }).map((x: number) => x, [1]);
    await expect(stat(removed)).rejects.toThrow();
  });

  it('passes hostile environment values through unchanged and runs nothing', async () => {
    const hostile = `"'$(touch ${folder.path}/owned)'" \`id\`\nsecond line`;
    process.env.QMR_TEST_HOSTILE = hostile;
    process.env.HOSTILE_VALUE = hostile;
    try {
      const pool = new Pool({ workDir: workDirOf('env'), env: { FROM_OPTION: "it's $HOME" } });
      const [seen] = await pool.map(() => [process.env.HOSTILE_VALUE, process.env.FROM_OPTION, process.env.QMR_TEST_HOSTILE], [0]);
      expect(seen).toEqual([hostile, "it's $HOME", undefined]); // QMR_* variables are the pool's own
      await expect(stat(path.join(folder.path, 'owned'))).rejects.toThrow();
    } finally {
      delete process.env.QMR_TEST_HOSTILE;
      delete process.env.HOSTILE_VALUE;
    }
  });

  it('resubmits a chunk whose process died without a result (static chunks)', async () => {
    const marker = path.join(folder.path, 'crashed-once');
    const pool = new Pool({ workDir: workDirOf('crash'), keepWorkDir: 'always', elastic: false });
    const out = await pool.map(
      async (t: { marker: string; x: number }) => {
        const fs = await import('node:fs');
        if (t.x === 1 && !fs.existsSync(t.marker)) {
          fs.writeFileSync(t.marker, 'x');
          process.exit(3);
        }
        return t.x;
      },
      [0, 1, 2].map((x) => ({ marker, x })),
    );
    expect(out).toEqual([0, 1, 2]);
    const log = await readFile(path.join(workDirOf('crash'), 'logs', 'chunk-000001.err'), 'utf8');
    expect(log.match(/started as job/g)).toHaveLength(2);
  });

  it('gives up after maxResubmissions and says why', async () => {
    const pool = new Pool({ workDir: workDirOf('always-crash'), maxResubmissions: 2 });
    const error = (await pool.map(() => process.exit(4), [0]).catch((e: unknown) => e)) as MapError;
    expect(error).toBeInstanceOf(MapError);
    expect(error.message).toMatch(/gave up after 3 attempts \(maxResubmissions is 2\)/);
    expect(error.message).toMatch(/exit status 4/);
  });

  it('aborts: kills running chunks and rejects with an AbortError', async () => {
    const controller = new AbortController();
    const pool = new Pool({ workDir: workDirOf('abort'), signal: controller.signal });
    setTimeout(() => controller.abort(), 1500);
    // The tasks would run for an hour: the map ends at all (within the test's timeout) only
    // because the abort killed them, whatever the machine's speed.
    const error = await pool.map(() => new Promise((r) => setTimeout(r, 3_600_000)), [0, 1, 2, 3]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
  });

  it('streams results in order with imap, and reports progress', async () => {
    const updates: Progress[] = [];
    const pool = new Pool({ workDir: workDirOf('imap'), chunkSize: 3, onProgress: (p) => updates.push(p) });
    async function* tasks() {
      for (let i = 0; i < 20; i++) yield i;
    }
    const seen: number[] = [];
    for await (const value of pool.imap((x: number) => x + 100, tasks())) seen.push(value);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 100));
    const last = updates.at(-1)!;
    expect(last).toMatchObject({ tasks: 20, tasksDone: 20, chunks: 7, chunksDone: 7, chunksFailed: 0 });
  });

  it('shows running chunks in progress as they run (the local queue is polled from memory)', async () => {
    const updates: Progress[] = [];
    const pool = new Pool({ workDir: workDirOf('running'), chunkSize: 1, concurrency: 2, onProgress: (p) => updates.push(p) });
    await pool.map(async (x: number) => new Promise((resolve) => setTimeout(() => resolve(x), 400)), [1, 2, 3, 4]);
    expect(Math.max(...updates.map((p) => p.chunksRunning))).toBe(2);
  });

  it("runs chunk after chunk in a few worker processes, each chunk's output in its own logs", async () => {
    const dir = workDirOf('servers');
    const out = await new Pool({ workDir: dir, keepWorkDir: 'always', chunkSize: 1, concurrency: 2 }).map((x: number) => {
      console.log(`out of task ${x}`);
      console.error(`err of task ${x}`);
      return process.pid;
    }, Array.from({ length: 12 }, (_, i) => i));
    expect(new Set(out).size).toBeLessThanOrEqual(2); // 12 chunks, 2 processes: no start-up per chunk
    for (const chunk of [0, 7, 11]) {
      const name = `chunk-${String(chunk).padStart(6, '0')}`;
      expect(await readFile(path.join(dir, 'logs', `${name}.out`), 'utf8')).toBe(`out of task ${chunk}\n`);
      const err = await readFile(path.join(dir, 'logs', `${name}.err`), 'utf8');
      expect(err).toContain(`err of task ${chunk}\n`);
      expect(err).toMatch(/worker: job local-\d+-\d+ on .*, chunk \d+/);
      expect(err).not.toContain(`err of task ${chunk + 1}\n`);
    }
  });

  it('refuses a shipped function that reads its enclosing scope before creating anything', async () => {
    const limit = 10;
    const dir = workDirOf('closure');
    await expect(new Pool({ workDir: dir }).map((x: number) => Math.min(x, limit), [1])).rejects.toThrow(/reads `limit`/);
    await expect(stat(dir)).rejects.toThrow();
  });
});
