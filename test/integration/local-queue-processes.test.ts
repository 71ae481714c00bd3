/**
 * The local queue's serving processes: one told to stop (its run had nothing waiting) must not
 * be handed the run's next job, and stopping it again must not pile up listeners and signals.
 * The job script here is a stand-in that speaks job.sh's --serve protocol (chunk lines on
 * stdin, "done ID" on fd 3) and logs its pid per chunk, so a test can see which process ran what.
 */
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../src/queues/local/local-queue.js';
import type { JobStatus } from '../../src/queues/queue.js';
import { submitRequest } from '../helpers/flavor-tests.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait-for.js';

let folder: { path: string; cleanup: () => Promise<void> };
let script: string;

beforeEach(async () => {
  folder = await temporaryFolder();
  script = join(folder.path, 'serve.sh');
  // Ends when stdin closes; a SIGTERM ends bash between reads too.
  await writeFile(script, '#!/bin/bash\nwhile read -r chunk id; do echo "$chunk $$" >> "$(dirname "$0")/ran"; echo "done $id" >&3; done\n');
  await chmod(script, 0o755);
});
afterEach(async () => folder.cleanup());

const request = (chunk: number) =>
  submitRequest({ chunks: [chunk], array: false, script, workingDir: folder.path, schedulerLogDir: folder.path });

async function finished(queue: LocalQueue, id: string): Promise<JobStatus> {
  return waitFor(async () => {
    const status = (await queue.status([id])).get(id);
    return status?.state === 'finished' ? status : undefined;
  }, `job ${id} to finish`);
}

describe('the local queue', () => {
  it("starts a new process for a run's next job rather than hand it to the process it just told to stop", async () => {
    const queue = new LocalQueue(2);
    let next: Promise<string[]> | undefined;
    // The first job's end empties the run's queue, so dispatch() stops its idle process; the
    // next job comes one tick later, while that process is still exiting (a feed writing chunk
    // after chunk, or a resubmission, does the same).
    const off = queue.onJobEnd(() => {
      if (!next) next = new Promise((resolve) => setImmediate(() => resolve(queue.submit(request(1)))));
    });
    const [first] = await queue.submit(request(0));
    expect((await finished(queue, first!)).outcome).toBe('success');
    const [second] = await waitFor(async () => next && (await next), 'the second submit');
    off();
    // Before the fix the second job went to the stopping process and failed with "killed by SIGTERM".
    const status = await finished(queue, second!);
    expect(status.reason).toBeUndefined();
    expect(status.outcome).toBe('success');
    const ran = (await readFile(join(folder.path, 'ran'), 'utf8')).trim().split('\n');
    expect(ran.map((line) => line.split(' ')[0])).toEqual(['0', '1']);
  });

  it('stops an exiting process once however often dispatch looks at it, and keeps to its cores meanwhile', async () => {
    const queue = new LocalQueue(1);
    const otherRun = join(folder.path, 'other-run');
    await mkdir(otherRun);
    const otherScript = join(otherRun, 'serve.sh');
    await copyFile(script, otherScript);
    await chmod(otherScript, 0o755);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // Run A's only job ends: its process is told to stop. Each submit of run B while it exits
      // calls dispatch(), which used to stop it again (one more 'close' listener and SIGTERM
      // each) and start a process for B beside it, past the one core.
      let submitted: Promise<string[][]> | undefined;
      const off = queue.onJobEnd(() => {
        submitted ??= new Promise((resolve) =>
          setImmediate(() => {
            const chunks = Array.from({ length: 15 }, (_, i) => i + 1);
            resolve(Promise.all(chunks.map((chunk) => queue.submit({ ...request(chunk), script: otherScript }))));
          }),
        );
      });
      const [first] = await queue.submit(request(0));
      await finished(queue, first!);
      const ids = (await waitFor(async () => submitted && (await submitted), 'the other run\'s submits')).flat();
      off();
      for (const id of ids) expect((await finished(queue, id)).outcome).toBe('success');
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    // One core: run B's chunks ran one after another in the one process started once A's had gone.
    const ran = (await readFile(join(otherRun, 'ran'), 'utf8')).trim().split('\n');
    expect(ran.map((line) => Number(line.split(' ')[0]))).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(new Set(ran.map((line) => line.split(' ')[1])).size).toBe(1);
  });
});
