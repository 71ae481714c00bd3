/**
 * Fault injection is the same on every front: the same faults fire the same number of times, and
 * each front shows the result in its own scheduler's words. One array job of six tasks carries
 * one job fault per task (selected by chunk, array index, name or job id); command faults are
 * checked on the front's status and submit commands.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { makeCluster, waitFor, type Cluster, type RunResult } from './helpers.js';
import { FLAVOR_ADAPTERS, type FlavorAdapter } from './flavor-adapters.js';

/** The file whose creation lets the tasks of task.sh end. */
const goFile = (c: Cluster) => join(c.dir, 'go');

/** A fresh cluster per test: the tests of this file run concurrently (they mostly wait). */
async function clusterWithTaskScript(): Promise<Cluster> {
  const c = await makeCluster({ slots: 6, keepFinished: 30 });
  // Each task runs until the test creates the go file, then writes a file named after it: the
  // states checked below (running, suspended) hold however slow the machine is.
  await writeFile(
    join(c.dir, 'task.sh'),
    '#!/bin/sh\nwhile [ $# -gt 0 ]; do case $1 in --chunks) spec=$2; shift 2;; *) shift;; esac; done\n' +
      `until [ -e '${goFile(c)}' ]; do sleep 0.1; done\necho done > "\${QMR_TEST_DIR:-.}/done.$QMR_TEST_TAG.$$"\n`,
  );
  await chmod(join(c.dir, 'task.sh'), 0o755);
  return c;
}

describe.concurrent.each(FLAVOR_ADAPTERS.map((a) => [a.label, a] as [string, FlavorAdapter]))('%s faults', (_label, adapter) => {
  it('job faults: error, fail, held, vanish, suspend, earlyGone', async ({ expect, onTestFinished }) => {
    const c = await clusterWithTaskScript();
    onTestFinished(() => c.dispose());
    const taskOf = async (jobId: number, index: number) => (await c.queue.jobs()).find((j) => j.id === jobId)?.tasks.find((t) => t.index === index);
    const k = (position: number) => adapter.firstIndex + position;
    await c.queue.addFault({ kind: 'error', chunk: 10 });
    await c.queue.addFault({ kind: 'fail', arrayIndex: k(1) });
    await c.queue.addFault({ kind: 'held', chunk: 12, name: 'fault*' });
    await c.queue.addFault({ kind: 'vanish', arrayIndex: k(3), jobId: 1 });
    // Suspended far longer than the test runs; the test resumes it (queue.resume) when done looking.
    await c.queue.addFault({ kind: 'suspend', chunk: 14, seconds: 3600, after: 0.2 });
    await c.queue.addFault({ kind: 'earlyGone', chunk: 15 });
    await c.queue.addFault({ kind: 'error', name: 'nomatch*', times: 5 }); // never fires
    const jobId = await adapter.submitArray(c, 'faulty', 6, '10-15', 'task.sh');
    expect(jobId).toBe(1);

    // Held at submit; the others go their ways within a moment.
    expect((await taskOf(1, k(2)))?.state).toBe('held');
    await waitFor(async () => (await taskOf(1, k(4)))?.state === 'suspended', 'suspension', 30_000);
    const state = await c.queue.state();
    const tasks = state.jobs[0]!.tasks;
    expect(tasks.map((t) => t.state)).toEqual(['error', 'finished', 'held', 'vanished', 'suspended', 'running']);
    expect(tasks[1]).toMatchObject({ outcome: 'failed' });
    expect(tasks[5]!.hiddenFromLive).toBe(true);
    expect(state.fired.map((f) => [f.faultId, f.kind, f.index, f.chunk])).toEqual([
      [3, 'held', k(2), 12],
      [1, 'error', k(0), 10],
      [2, 'fail', k(1), 11],
      [4, 'vanish', k(3), 13],
      [5, 'suspend', k(4), 14],
      [6, 'earlyGone', k(5), 15],
    ]);
    expect(state.faults.map((f) => f.fired)).toEqual([1, 1, 1, 1, 1, 1, 0]);

    // The front says it in its scheduler's words.
    const live = await adapter.liveStates(c, jobId);
    expect(live.get(k(0))).toBe(adapter.words.error);
    expect(live.get(k(2))).toBe(adapter.words.held);
    expect(live.get(k(4))).toBe(adapter.words.suspended);
    expect(live.has(k(3))).toBe(false); // vanished
    expect(live.has(k(5))).toBe(false); // gone from the live view while still running
    if (adapter.words.failed === undefined) expect(live.has(k(1))).toBe(false);
    else if (adapter.words.failed !== '*') expect(live.get(k(1))).toBe(adapter.words.failed);

    // The earlyGone task's result appears later; the suspended one resumes and finishes.
    await writeFile(goFile(c), '');
    expect(await c.queue.resume(jobId, k(4))).toBe(1);
    await waitFor(async () => (await taskOf(1, k(5)))?.state === 'finished', 'earlyGone task to end', 30_000);
    await waitFor(async () => (await taskOf(1, k(4)))?.state === 'finished', 'suspended task to end', 30_000);
    expect((await taskOf(1, k(4)))).toMatchObject({ outcome: 'exited', exitCode: 0 });
    // Error and held tasks stay until deleted.
    expect((await taskOf(1, k(0)))?.state).toBe('error');
    expect((await taskOf(1, k(2)))?.state).toBe('held');
    const cancel = await adapter.cancel(c, jobId);
    expect(cancel.code).toBe(0);
    await waitFor(async () => (await c.queue.jobs())[0]!.tasks.every((t) => t.state === 'finished' || t.state === 'vanished'), 'all ended', 30_000);
  });

  it('command faults: statusFail, statusHang, statusWarning, submitFail', async ({ expect, onTestFinished }) => {
    const c = await clusterWithTaskScript();
    onTestFinished(() => c.dispose());
    await writeFile(goFile(c), ''); // the jobs of this test may end at once
    await c.queue.addFault({ kind: 'statusFail', times: 2 });
    await c.queue.addFault({ kind: 'statusWarning', every: 3, times: 1, command: adapter.statusCommand });
    await c.queue.addFault({ kind: 'submitFail', every: 2 });
    const failures: RunResult[] = [await adapter.status(c), await adapter.status(c)];
    for (const failure of failures) {
      expect(failure.code).toBe(adapter.statusFailCode);
      expect(failure.stderr).toMatch(adapter.statusFailText);
      expect(failure.stdout).toBe('');
    }
    const warned = await adapter.status(c);
    expect(warned.code).toBe(0);
    expect(warned.stdout.split('\n')[0]).toMatch(/warning/i);
    expect((await adapter.status(c)).stdout).not.toMatch(/warning/i);

    expect(await adapter.submitArray(c, 'first', 1, '0', 'task.sh')).toBe(1);
    const refused = await adapter.submitRaw(c, 'second', 'task.sh');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(adapter.submitFailText);
    expect(await adapter.submitArray(c, 'third', 1, '0', 'task.sh')).toBe(2);

    await c.queue.addFault({ kind: 'statusHang', seconds: 0.6 });
    expect((await adapter.status(c)).code).toBe(0);
    // The emulator's record of the hang: the command answered no sooner than `seconds` after it fired.
    const hang = (await c.queue.fired()).find((f) => f.kind === 'statusHang');
    expect(hang?.answeredAt).toBeDefined();
    expect(hang!.answeredAt! - hang!.at).toBeGreaterThanOrEqual(600);

    const calls = await c.queue.calls();
    expect(calls[adapter.statusCommand]).toBe(5);
    expect(calls[adapter.submitCommand]).toBe(3);
    const kinds = (await c.queue.fired()).map((f) => f.kind);
    expect(kinds).toEqual(['statusFail', 'statusFail', 'statusWarning', 'submitFail', 'statusHang']);
    expect(existsSync(join(c.dir, 'nothing'))).toBe(false);
    await readFile(c.queue.statePath, 'utf8'); // still a readable state file
  });
});
