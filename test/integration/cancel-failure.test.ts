/**
 * When the scheduler refuses to cancel a job as a map ends, the journal must not say the job was
 * cancelled: it stays queued there, so `qmr status` shows it, a resume watches it and `qmr
 * cancel` can still remove it. (Emulated SGE, with a qdel that fails.) And a command that does not
 * exist fails the map at once, with the remedy.
 */
import { execFileSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DummyQueue } from '../../dummy-queue/src/control.js';
import { AbortError, Pool } from '../../src/index.js';
import { readJournal } from '../../src/resume/journal.js';
import { replayJournal } from '../../src/resume/journal-replay.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { assertBuilt, REPO as ROOT } from '../dummy-queue/helpers.js';

let folder: { path: string; cleanup: () => Promise<void> };
let queue: DummyQueue;

beforeAll(async () => {
  assertBuilt();
  folder = await temporaryFolder('qmr-cancel-failure-');
  queue = await DummyQueue.create(folder.path, { slots: 2, idleExit: 2 });
  // This file runs in its own process (vitest forks), so the pool's commands see this state.
  process.env.QMR_DUMMY_STATE = queue.statePath;
});
afterAll(async () => {
  await queue?.stop();
  await folder?.cleanup();
});

it('keeps a job whose cancel failed as queued in the journal, not as cancelled', async () => {
  const commands = await queue.commands('sge');
  const failingQdel = path.join(folder.path, 'qdel-denied');
  await writeFile(failingQdel, '#!/bin/sh\necho "qdel: permission denied for this test" >&2\nexit 1\n');
  await chmod(failingQdel, 0o755);
  const workDir = path.join(folder.path, 'run');
  const controller = new AbortController();
  const running = new Pool({
    flavor: 'sge',
    commands: { ...commands, qdel: failingQdel },
    workDir,
    chunkSize: 1,
    pollInterval: 200,
    progress: false,
    signal: controller.signal,
  })
    .map(async (x: number) => new Promise((resolve) => setTimeout(() => resolve(x), 120_000)), [1, 2])
    .catch((e: unknown) => e);
  const deadline = Date.now() + 30_000;
  while (!(await queue.jobs()).some((j) => j.tasks.some((t) => t.state === 'running'))) {
    if (Date.now() > deadline) throw new Error('no job started');
    await new Promise((r) => setTimeout(r, 100));
  }
  controller.abort();
  const error = await running;
  expect(error).toBeInstanceOf(AbortError);

  const records = await readJournal(path.join(workDir, 'journal.jsonl'));
  expect(records.filter((r) => r.t === 'cancel')).toEqual([]);
  const run = replayJournal(records);
  const liveIds = (await queue.jobs()).filter((j) => j.tasks.some((t) => t.state !== 'finished')).map((j) => String(j.id));
  expect(liveIds.length).toBeGreaterThan(0);
  const queued = [...run.chunks.values()].filter((c) => c.phase === 'queued').map((c) => c.attempts.at(-1)!.jobId.split('.')[0]);
  expect(new Set(queued)).toEqual(new Set(liveIds));

  // Once qdel works again, `qmr cancel` removes what the run left behind, and says so.
  await writeFile(failingQdel, `#!/bin/sh\nexec '${commands.qdel!}' "$@"\n`);
  const cli = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
  const out = JSON.parse(execFileSync(process.execPath, [cli, 'cancel', workDir, '--json'], { encoding: 'utf8' })) as { how: string; jobs: string[] };
  expect(out.how).toBe('cancelled jobs');
  expect(new Set(out.jobs.map((id) => id.split('.')[0]))).toEqual(new Set(liveIds));
  const deadlineGone = Date.now() + 30_000;
  while ((await queue.jobs()).some((j) => j.tasks.some((t) => t.state !== 'finished'))) {
    if (Date.now() > deadlineGone) throw new Error('jobs still in the queue after qmr cancel');
    await new Promise((r) => setTimeout(r, 200));
  }
  const again = JSON.parse(execFileSync(process.execPath, [cli, 'cancel', workDir, '--json'], { encoding: 'utf8' })) as { how: string };
  expect(again.how).toBe('nothing to cancel');
});

it('fails at once, saying how to fix it, when a scheduler command does not exist', async () => {
  const commands = await queue.commands('sge');
  const missing = path.join(folder.path, 'no-such-dir', 'qsub');
  const callsBefore = await queue.calls();
  const jobsBefore = (await queue.jobs()).length;
  const error = (await new Pool({ flavor: 'sge', commands: { ...commands, qsub: missing }, workDir: path.join(folder.path, 'missing'), progress: false })
    .map((x: number) => x, [1])
    .catch((e: unknown) => e)) as Error;
  expect(error.message).toContain(`${missing} was not found`);
  expect(error.message).toMatch(/commands option/);
  // No job reached the queue (the program was looked for, not retried).
  expect((await queue.calls()).qsub).toEqual(callsBefore.qsub);
  expect((await queue.jobs()).length).toBe(jobsBefore);
});
