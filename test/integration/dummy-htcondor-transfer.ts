/**
 * Maps on the htcondor flavor with HTCondor's file transfer (fileTransfer), against the emulator,
 * which runs such a job in a scratch folder of its own holding only the transferred files, with
 * the submit side's work dir hidden from it (a tmpfs over it in the job's mount namespace), and
 * brings the outputs back only when the job exits. What only this mode has: the work dir out of
 * reach, user files and envScript carried along, node itself carried along, and transfer
 * failures (held with HoldReasonCode 13 for input, 12 for output: HTCondor's hold codes) told
 * apart and resubmitted. The fault scenarios shared with the other flavors run in this mode too
 * (dummy-htcondor.test.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { AbortError, MapError, Pool } from '../../src/index.js';
import { resumeRun } from '../../src/resume/resume-from-work-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { assertBuilt } from '../dummy-queue/helpers.js';
import { dummyCluster, firedOf, jobsLeft, journalOf, workerStarts, type DummyTarget } from './dummy-scenarios.js';

const run = promisify(execFile);
const QMR = path.join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

interface JobView {
  cwd: string;
  /** What the job found at the submit side's work dir path: its entries, or the error code. */
  workDirSeen: string[] | string;
  files: string[];
}

export function transferScenarios(target: DummyTarget): void {
  let root: string | undefined;
  beforeAll(async () => {
    assertBuilt();
    root = await mkdtemp(path.join(tmpdir(), 'qmr-dummy-htcondor-transfer-only-'));
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });
  const transfer = { ...target, options: { ...target.options, fileTransfer: true } };

  describe.concurrent(`${target.label} (emulated) with file transfer: what only this mode has`, () => {
    it('runs each job in its own scratch folder with only the transferred files, the work dir out of its reach; results and logs come back', async (ctx) => {
      const { expect } = ctx;
      const c = await dummyCluster(root!, transfer, ctx, 'isolated');
      const out = (await new Pool(c.options({ chunkSize: 2, keepWorkDir: 'always' })).map(
        async (t: { x: number; workDir: string }): Promise<JobView> => {
          const fs = await import('node:fs');
          let workDirSeen: string[] | string;
          try {
            workDirSeen = fs.readdirSync(t.workDir);
          } catch (error) {
            workDirSeen = String((error as { code?: string }).code);
          }
          return { cwd: process.cwd(), workDirSeen, files: fs.readdirSync('.').sort() };
        },
        [0, 1, 2, 3].map((x) => ({ x, workDir: c.workDir })),
      )) as JobView[];
      // The submit side's work dir holds the journal and the chunk files all along; no job saw any of it.
      expect(await readdir(c.workDir)).toEqual(expect.arrayContaining(['journal.jsonl', 'chunks', 'job.sh']));
      for (const view of out) {
        expect(view.workDirSeen === 'EACCES' || (Array.isArray(view.workDirSeen) && view.workDirSeen.length === 0)).toBe(true);
        expect(view.cwd.startsWith(c.workDir)).toBe(false);
        expect(view.files).toEqual(expect.arrayContaining(['job.sh', 'qmr-out', 'qmr-run', 'qmr-worker']));
        expect(view.files.some((f) => f.startsWith('chunk-'))).toBe(false); // moved into qmr-run/chunks
      }
      expect(new Set(out.map((v) => v.cwd)).size).toBe(2); // two chunks, two scratch folders
      // Results, the chunk logs and the scheduler's own stdout/stderr came back into the work dir.
      expect((await readdir(path.join(c.workDir, 'results'))).sort()).toEqual(['chunk-000000.result', 'chunk-000001.result']);
      expect(await readFile(path.join(c.workDir, 'logs', 'chunk-000001.err'), 'utf8')).toMatch(/chunk 1 \(tasks 2-3\) started as job/);
      expect((await readdir(path.join(c.workDir, 'logs', 'scheduler'))).filter((f) => /^condor-\d+\.\d+\.err$/.test(f))).toHaveLength(2);
      expect(await workerStarts(c.workDir)).toEqual([1, 1]);
      // The emulator read the submit description's transfer commands, as condor_submit would.
      const job = (await c.queue.jobs())[0]!;
      const proc = (job.attributes as { procs: Array<{ transfer?: { inputs: string[]; outputs: string[]; remaps: Record<string, string> } }> }).procs[1]!;
      expect(proc.transfer?.outputs).toEqual(['qmr-out/']);
      expect(proc.transfer?.inputs).toEqual(expect.arrayContaining([path.join(c.workDir, 'chunks', 'chunk-000001.tasks'), path.join(c.workDir, 'function.json')]));
      expect(proc.transfer?.remaps['chunk-000001.result']).toBe('results/chunk-000001.result');
      // The qmr commands read the submit side's copies as on a shared file system.
      const qmr = (...args: string[]) => run(process.execPath, [QMR, ...args], { env: { ...process.env, NO_COLOR: '1' } });
      expect((await qmr('status', c.workDir)).stdout).toMatch(/finished/);
      expect((await qmr('logs', c.workDir, '1', '--stderr')).stdout).toMatch(/chunk 1 \(tasks 2-3\) started as job/);
      expect((await qmr('inspect', c.workDir, '0')).stdout).toMatch(/cwd/);
      expect((await qmr('trace', c.workDir)).stdout).toMatch(/COMPLETED[\s\S]*COMPLETED/);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    it("carries the user's inputFiles (a folder and a file) and envScript to every job", async (ctx) => {
      const { expect } = ctx;
      const c = await dummyCluster(root!, transfer, ctx, 'input-files');
      const data = path.join(c.dir, 'data');
      await mkdir(data, { recursive: true });
      await writeFile(path.join(data, 'table.txt'), 'from the data folder');
      await writeFile(path.join(c.dir, 'weights.txt'), 'from a single file');
      await writeFile(path.join(c.dir, 'setup.sh'), 'export QMR_TEST_SETUP=sourced\n');
      const out = await new Pool(c.options({ chunkSize: 1, envScript: path.join(c.dir, 'setup.sh'), fileTransfer: { inputFiles: [data, path.join(c.dir, 'weights.txt')] } })).map(
        async (x: number) => {
          const fs = await import('node:fs');
          return `${x} ${fs.readFileSync('data/table.txt', 'utf8')} ${fs.readFileSync('weights.txt', 'utf8')} ${process.env.QMR_TEST_SETUP}`;
        },
        [1, 2],
      );
      expect(out).toEqual(['1 from the data folder from a single file sourced', '2 from the data folder from a single file sourced']);
    });

    it('runs a node binary carried with the job (executable ./node, the binary in inputFiles), for pools without Node', async (ctx) => {
      const { expect } = ctx;
      const c = await dummyCluster(root!, transfer, ctx, 'node');
      const out = await new Pool(c.options({ chunkSize: 1, executable: './node', fileTransfer: { inputFiles: [process.execPath] } })).map(
        () => ({ execPath: process.execPath, cwd: process.cwd() }),
        [1],
      );
      expect(out[0]!.execPath).toBe(path.join(out[0]!.cwd, 'node'));
      expect(out[0]!.execPath).not.toBe(process.execPath);
    });

    it("resumes from the submit side's copies: resumeRun (qmr resume) runs only the chunk whose result never came back", async (ctx) => {
      const { expect } = ctx;
      const c = await dummyCluster(root!, transfer, ctx, 'resume');
      const marker = path.join(c.dir, 'slow-once');
      const controller = new AbortController();
      const tasks = [0, 1, 2].map((x) => ({ x, marker }));
      const first = new Pool(c.options({ chunkSize: 1, keepWorkDir: 'always', signal: controller.signal }))
        .map(async (t: { x: number; marker: string }) => {
          const fs = await import('node:fs');
          if (t.x === 2 && !fs.existsSync(t.marker)) {
            fs.writeFileSync(t.marker, '');
            await new Promise((r) => setTimeout(r, 120_000));
          }
          return t.x * 10;
        }, tasks)
        .catch((e: unknown) => e);
      const results = path.join(c.workDir, 'results');
      await waitFor(async () => existsSync(marker) && (await readdir(results).catch(() => [])).length === 2, 'chunks 0 and 1 back, chunk 2 running');
      controller.abort();
      expect(await first).toBeInstanceOf(AbortError);
      expect(await readdir(results)).toHaveLength(2); // the aborted job sent nothing back
      expect(await resumeRun(c.workDir, { progress: false })).toEqual({ workDir: c.workDir, tasks: 3, failedTasks: 0 });
      const submits = (await journalOf(c.workDir)).filter((r) => r.t === 'submit');
      expect(submits.at(-1)!.chunks).toEqual([2]);
      expect((await readdir(results)).sort()).toEqual(['chunk-000000.result', 'chunk-000001.result', 'chunk-000002.result']);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    it('resubmits a chunk whose input transfer failed (held, HoldReasonCode 13), telling it from a user hold', async (ctx) => {
      const { expect } = ctx;
      const c = await dummyCluster(root!, transfer, ctx, 'transfer-in');
      await c.queue.addFault({ kind: 'transferIn', chunk: 0, times: 2 });
      const out = await new Pool(c.options({ chunkSize: 1, keepWorkDir: 'always' })).map((x: number) => x * 2, [1, 2]);
      expect(out).toEqual([2, 4]);
      expect(await firedOf(c.queue, 'transferIn')).toHaveLength(2);
      const retired = (await journalOf(c.workDir)).filter((r) => r.t === 'retire');
      expect(retired.map((r) => r.chunk)).toEqual([0, 0]);
      for (const r of retired) expect(r.reason).toMatch(/input file transfer failed: Transfer input files failure.*\(HoldReasonCode 13\)/);
      expect(await workerStarts(c.workDir)).toEqual([1, 1]);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    it('resubmits a chunk whose output transfer failed (held, HoldReasonCode 12): its outputs never reach the work dir, the next attempt brings them', async (ctx) => {
      const { expect } = ctx;
      const c = await dummyCluster(root!, transfer, ctx, 'transfer-out');
      await c.queue.addFault({ kind: 'transferOut', chunk: 1, times: 1 });
      const out = await new Pool(c.options({ chunkSize: 1, keepWorkDir: 'always' })).map((x: number) => x * 2, [1, 2, 3]);
      expect(out).toEqual([2, 4, 6]);
      expect(await firedOf(c.queue, 'transferOut')).toHaveLength(1);
      const retired = (await journalOf(c.workDir)).filter((r) => r.t === 'retire');
      expect(retired.map((r) => r.chunk)).toEqual([1]);
      expect(retired[0]!.reason).toMatch(/output file transfer failed: Transfer output files failure.*\(HoldReasonCode 12\)/);
      // Chunk 1 ran twice (4 runs for 3 chunks); the first run's log never came back, so its log shows one start.
      const chunkOneRuns = (await c.queue.jobs()).flatMap((j) => j.tasks.filter((t) => t.startTime !== undefined)).length;
      expect(chunkOneRuns).toBe(4);
      expect(await workerStarts(c.workDir)).toEqual([1, 1, 1]);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    it('gives up on a chunk whose outputs are really missing (the job removed qmr-out), naming the transfer hold', async (ctx) => {
      const { expect } = ctx;
      const c = await dummyCluster(root!, transfer, ctx, 'output-missing');
      const error = (await new Pool(c.options({ chunkSize: 1, maxResubmissions: 1 }))
        .map(async () => {
          const fs = await import('node:fs');
          fs.rmSync('qmr-out', { recursive: true, force: true });
          process.exit(0);
        }, [1])
        .catch((e: unknown) => e)) as MapError;
      expect(error).toBeInstanceOf(MapError);
      expect(error.message).toMatch(/gave up after 2 attempts/);
      expect(error.message).toMatch(/output file transfer failed: .*sending file qmr-out\/: \(errno 2\) No such file or directory \(HoldReasonCode 12\)/);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });

    it('gives up on a chunk whose input file went missing after the map started (HoldReasonCode 13 on every attempt)', async (ctx) => {
      const { expect } = ctx;
      const c = await dummyCluster(root!, transfer, ctx, 'input-missing');
      const file = path.join(c.dir, 'vanishing.txt');
      await writeFile(file, 'here at first');
      const pool = new Pool(c.options({ chunkSize: 1, maxResubmissions: 1, fileTransfer: { inputFiles: [file] } }));
      await rm(file);
      const error = (await pool.map((x: number) => x, [1]).catch((e: unknown) => e)) as MapError;
      expect(error).toBeInstanceOf(MapError);
      expect(error.message).toMatch(/gave up after 2 attempts/);
      expect(error.message).toContain(`input file transfer failed: Transfer input files failure`);
      expect(error.message).toContain(`reading from file ${file}: (errno 2) No such file or directory (HoldReasonCode 13)`);
      expect(existsSync(path.join(c.workDir, 'results', 'chunk-000000.result'))).toBe(false);
      expect(await jobsLeft(c.queue)).toEqual([]);
    });
  });
}
