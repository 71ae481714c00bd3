/**
 * The qmr command as users run it: the built binary (node dist/src/cli/main.js), on work dirs
 * made by real maps. A finished run and a run with a failing task (local flavor), a live run on
 * the dummy SGE queue (one chunk held, so it stays queued while its submitting process, a child
 * node process, waits), and runs whose submitting process was SIGKILLed.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DummyQueue } from '../../dummy-queue/src/control.js';
// `qmr status --json` prints RunStatus[] as status.ts declares it (all JSON values; undefined fields are left out).
import type { RunStatus } from '../../src/cli/status.js';
import { MapError, Pool } from '../../src/index.js';
import { temporaryFolder } from '../helpers/tmp.js';
import { assertBuilt, journal, qmr, qmrJson, ROOT, startSgeMap, starts, waitFor, type ChildMap } from './helpers.js';

let folder: { path: string; cleanup: () => Promise<void> };
let runs: string; // finished local runs: ok, bad
let ok: string;
let bad: string;

beforeAll(async () => {
  assertBuilt();
  folder = await temporaryFolder('qmr-cli-');
  runs = path.join(folder.path, 'runs');
  ok = path.join(runs, 'ok');
  bad = path.join(runs, 'bad');
  await new Pool({ workDir: ok, keepWorkDir: 'always', chunkSize: 2, progress: false }).map((x: number) => {
    console.log(`hello ${x}`);
    console.error(`warn ${x}`);
    return x * x;
  }, [1, 2, 3, 4, 5]);
  const error = await new Pool({ workDir: bad, keepWorkDir: 'always', chunkSize: 2, progress: false })
    .map((x: number) => {
      if (x === 3) throw new RangeError(`bad task ${x}`);
      return { x, big: BigInt(x) * 10n };
    }, [1, 2, 3, 4])
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MapError);
});

afterAll(async () => folder?.cleanup());

describe('help and usage errors', () => {
  it('explains itself at the top level: commands, run states, exit codes', async () => {
    const r = await qmr(['--help']);
    expect(r.exitCode).toBe(0);
    for (const command of ['status', 'logs', 'inspect', 'cancel', 'resume', 'clean']) expect(r.stdout).toContain(command);
    expect(r.stdout).toMatch(/Exit status: 0 .*1 .*2 bad usage/s);
    expect(r.stdout).toContain('interrupted');
    expect(r.stdout).toContain('./.qmr');
    expect((await qmr(['--version'])).stdout.trim()).toBe(JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it.each([
    ['status', ['--chunks', '--state', '--run', '--no-queue', '--json', 'held', 'PENDING']],
    ['logs', ['--stderr', '--tail', '--grep', '--scheduler', '<chunk>']],
    ['inspect', ['--json', '<chunk>']],
    ['cancel', ['--json', 'nothing to cancel']],
    ['resume', ['--no-progress', '--json', 'interrupted']],
    ['clean', ['--dry-run', '--failed', '--older-than', '--json', 'detached']],
  ])('qmr %s --help shows its usage and options', async (command, mentions) => {
    const r = await qmr([command, '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Usage: qmr ${command}`);
    for (const text of mentions) expect(r.stdout).toContain(text);
    expect((await qmr(['help', command])).stdout).toBe(r.stdout);
  });

  it('exits 2 with a hint on an unknown command or option, a missing argument or a bad value', async () => {
    const unknown = await qmr(['stats']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'stats'");
    expect(unknown.stderr).toContain('Did you mean status?');

    const option = await qmr(['status', '--chunk']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain("unknown option '--chunk'");
    expect(option.stderr).toContain('qmr status --help');

    const missing = await qmr(['logs', ok]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'chunk'");

    for (const args of [
      ['logs', ok, 'x'],
      ['logs', ok, '0', '--tail', '-1'],
      ['logs', ok, '0', '--grep', '('],
      ['status', '--state', 'bogus'],
      ['clean', runs, '--older-than', '5x'],
    ]) {
      const r = await qmr(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(/invalid|Allowed choices/);
    }
    expect((await qmr(['logs', ok, '0', '--grep', '('])).stderr).toContain('not a valid regular expression');
    expect((await qmr(['status', '--state', 'bogus'])).stderr).toContain('interrupted');

    const bare = await qmr([]);
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr).toContain('Usage: qmr');
  });
});

describe('status, logs and inspect of finished runs', () => {
  it('status: one line per run, a run whose task threw is failed', async () => {
    const r = await qmr(['status', runs]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^RUN\s+STATE\s+FLAVOR\s+TASKS\s+CHUNKS\s+DONE\s+RUNNING\s+PENDING\s+HELD\s+FAILED/);
    expect(lines.find((l) => l.startsWith('ok '))).toMatch(/^ok\s+finished\s+local\s+5\s+3\s+3\s+0\s+0\s+0\s+0/);
    expect(lines.find((l) => l.startsWith('bad '))).toMatch(/^bad\s+failed\s+local\s+4 \(1 failed\)\s+2\s+1\s+0\s+0\s+0\s+1/);
  });

  it('status --json: counts for scripts', async () => {
    const statuses = await qmrJson<RunStatus[]>(['status', runs]);
    const byRun = Object.fromEntries(statuses.map((s) => [s.run, s]));
    expect(byRun.ok).toMatchObject({ state: 'finished', tasks: 5, failedTasks: 0, chunks: 3, done: 3, failed: 0, pending: 0, resubmissions: 0, dir: ok });
    expect(byRun.bad).toMatchObject({ state: 'failed', tasks: 4, failedTasks: 1, chunks: 2, done: 1, failed: 1 });
    expect(byRun.ok!.chunkList).toBeUndefined();
  });

  it('status --chunks, --state and --run', async () => {
    const chunks = await qmr(['status', bad, '--chunks']);
    expect(chunks.exitCode).toBe(0);
    expect(chunks.stdout).toMatch(/^0\s+0-1\s+done\s+local-\S+\s+1/m);
    expect(chunks.stdout).toMatch(new RegExp(`^1\\s+2-3\\s+failed\\s+local-\\S+\\s+1\\s+1 of 2 task\\(s\\) threw: qmr inspect ${bad} 1`, 'm'));

    const finished = await qmrJson<RunStatus[]>(['status', runs, '--state', 'finished']);
    expect(finished.map((s) => s.run)).toEqual(['ok']);
    const failedRuns = await qmrJson<RunStatus[]>(['status', runs, '--state', 'failed']);
    expect(failedRuns.map((s) => s.run)).toEqual(['bad']);
    // with --chunks, 'failed' means chunks: only bad's chunk 1
    const failedChunks = await qmrJson<RunStatus[]>(['status', runs, '--state', 'failed', '--chunks']);
    expect(failedChunks.map((s) => [s.run, s.chunkList!.map((c) => c.chunk)])).toEqual([['bad', [1]]]);
    // a chunk state lists chunks even without --chunks
    const done = await qmrJson<RunStatus[]>(['status', runs, '--state', 'done']);
    expect(done.map((s) => [s.run, s.chunkList!.map((c) => c.chunk)])).toEqual([['bad', [0]], ['ok', [0, 1, 2]]]);
    expect((await qmrJson<RunStatus[]>(['status', runs, '--run', 'ok'])).map((s) => s.run)).toEqual(['ok']);
  });

  it('status whose filters leave nothing says which filter did, not that there are no runs (exit 0, --json [])', async () => {
    for (const [args, line] of [
      [['--state', 'held'], 'no chunks in state held (in 2 runs)'],
      [['--state', 'aborted'], 'no runs in state aborted (of 2 runs)'],
      [['--state', 'failed', '--run', 'ok'], "no runs in state failed (of 1 run matching 'ok', of 2 runs)"],
      [['--state', 'queued', '--run', 'ok'], "no chunks in state queued (in 1 run matching 'ok', of 2 runs)"],
      [['--run', 'nothing-like-this'], "no run's id or folder contains 'nothing-like-this' (of 2 runs)"],
    ] as const) {
      const r = await qmr(['status', runs, ...args]);
      expect([r.exitCode, r.stdout, r.stderr], args.join(' ')).toEqual([0, `${line}\n`, '']);
      expect(await qmrJson<RunStatus[]>(['status', runs, ...args]), args.join(' ')).toEqual([]);
    }
  });

  it('status without DIR looks in ./.qmr, and says so when there is nothing', async () => {
    const home = path.join(folder.path, 'home');
    await new Pool({ workDir: path.join(home, '.qmr', 'here'), keepWorkDir: 'always', progress: false }).map((x: number) => x, [1]);
    const found = await qmrJson<RunStatus[]>(['status'], { cwd: home });
    expect(found.map((s) => [s.run, s.state])).toEqual([['here', 'finished']]);

    const empty = path.join(folder.path, 'empty');
    await mkdir(empty);
    const none = await qmr(['status'], { cwd: empty });
    expect(none.exitCode).toBe(0);
    expect(none.stdout).toContain('no runs found');
    expect(await qmrJson<RunStatus[]>(['status'], { cwd: empty })).toEqual([]);

    const missing = await qmr(['status', path.join(folder.path, 'nope')]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('does not exist');
  });

  it('logs: stdout, --stderr, --tail, --grep', async () => {
    const out = await qmr(['logs', ok, '0']);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe('hello 1\nhello 2\n');

    const err = await qmr(['logs', ok, '0', '--stderr']);
    expect(err.stdout).toContain('warn 1\nwarn 2\n');
    expect(err.stdout).toMatch(/chunk 0 \(tasks 0-1\) started as job local-/);

    const tail = await qmr(['logs', ok, '0', '--stderr', '--tail', '1']);
    expect(tail.stdout.trim().split('\n')).toHaveLength(1);
    expect(tail.stdout).toContain('chunk 0 finished: 2 tasks, 0 failed');

    expect((await qmr(['logs', ok, '0', '--stderr', '--grep', '^warn [12]$'])).stdout).toBe('warn 1\nwarn 2\n');
    expect((await qmr(['logs', ok, '0', '--stderr', '--grep', '^warn', '--tail', '1'])).stdout).toBe('warn 2\n');
    expect((await qmr(['logs', ok, '2'])).stdout).toBe('hello 5\n');
    const none = await qmr(['logs', ok, '0', '--tail', '0']);
    expect([none.exitCode, none.stdout]).toEqual([0, '']);
  });

  it('logs and inspect say which chunks exist, and refuse a folder of runs', async () => {
    const range = await qmr(['logs', ok, '5']);
    expect(range.exitCode).toBe(1);
    expect(range.stderr).toContain('run ok has no chunk 5: it has chunks 0-2');
    expect((await qmr(['inspect', ok, '5'])).stderr).toContain('has no chunk 5');

    const parent = await qmr(['inspect', runs, '0']);
    expect(parent.exitCode).toBe(1);
    expect(parent.stderr).toContain('is a folder of runs, not a run');
    expect(parent.stderr).toContain('ok');
    expect(parent.stdout).toBe('');
  });

  it('inspect: decoded tasks, values and the remote error with its stack', async () => {
    const good = await qmr(['inspect', ok, '1']);
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toMatch(/^chunk 1: ran as job local-\S+ on /);
    expect(good.stdout).toContain('2 of 2 task(s) returned a value');
    expect(good.stdout).toContain('task 2: 3\n  → 9\ntask 3: 4\n  → 16');

    const failing = await qmr(['inspect', bad, '1']);
    expect(failing.exitCode).toBe(0);
    expect(failing.stdout).toContain('1 of 2 task(s) returned a value, 1 threw');
    expect(failing.stdout).toMatch(/task 2: 3\n {2}✗ RangeError: bad task 3\n {8}at /);
    expect(failing.stdout).toContain('task 3: 4\n  → { x: 4, big: 40n }');

    const json = await qmrJson<{ chunk: number; jobId: string; tasks: Array<{ index: number; task: unknown; status: string; value?: unknown; error?: { name: string; message: string; stack: string } }> }>(['inspect', bad, '1']);
    expect(json.chunk).toBe(1);
    expect(json.tasks[0]).toMatchObject({ index: 2, task: 3, status: 'rejected', error: { name: 'RangeError', message: 'bad task 3' } });
    expect(json.tasks[0]!.error!.stack).toContain('bad task 3');
    expect(json.tasks[1]).toEqual({ index: 3, task: 4, status: 'fulfilled', value: { x: 4, big: { $type: 'bigint', value: '40' } } });
  });

  it('cancel on a finished run: nothing to cancel, exit 0, journal untouched', async () => {
    const before = await readFile(path.join(ok, 'journal.jsonl'), 'utf8');
    const r = await qmr(['cancel', ok]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('nothing to cancel, the run has already ended (finished)');
    expect(await qmrJson(['cancel', ok])).toEqual({ run: 'ok', state: 'finished', how: 'nothing to cancel', jobs: [] });
    expect(await readFile(path.join(ok, 'journal.jsonl'), 'utf8')).toBe(before);
  });

  it('resume of a run whose tasks threw runs the failed task again (or with --rerun-failed never, nothing), reports failures and exits 1', async () => {
    const kept = await qmr(['resume', bad, '--rerun-failed', 'never']);
    expect(kept.exitCode).toBe(1);
    expect(kept.stdout).toContain('bad: 3 of 4 tasks succeeded, 1 failed');
    // nothing ran again: the results were there
    expect(await starts(bad, 0)).toBe(1);
    expect(await starts(bad, 1)).toBe(1);

    const r = await qmr(['resume', bad]);
    expect(r.exitCode).toBe(1);
    // Same fn, same bug: task 3 threw again. Only it ran: chunk 0 not at all, chunk 1's task 4 kept.
    expect(r.stdout).toContain('bad: 3 of 4 tasks succeeded, 1 failed');
    expect(await starts(bad, 0)).toBe(1);
    expect(await starts(bad, 1)).toBe(2);
    expect(await readFile(path.join(bad, 'logs', 'chunk-000001.err'), 'utf8')).toContain('chunk 1: rerunning its 1 failed task(s) at positions 0; the 1 others\' results are kept');
  });
});

/**
 * Three runs made once in beforeAll. The tests up to `clean` only read them; each of the last
 * three changes one run (cancel and resume live, resume killed, cancel orphan) that no other of
 * the three reads, so any one test can run alone (-t), but the readers must come before the
 * changers: no shuffling.
 */
describe('on the dummy SGE queue: live, killed and cancelled runs', { shuffle: false }, () => {
  let queue: DummyQueue;
  let env: Record<string, string>;
  let sge: string;
  let live: string;
  let killed: string;
  let orphan: string;
  let liveMap: ChildMap;
  /** Every map process started, killed in afterAll whatever happened (a beforeAll that timed out too). */
  const children: ChildMap[] = [];

  /** Waits until qmr itself reports `done` chunks done and one held (the held fault fired). */
  async function untilHeld(dir: string): Promise<RunStatus> {
    return waitFor(async () => {
      const r = await qmr(['status', dir, '--json'], { env }); // exit 1 until the map has made its folder
      const [s] = r.exitCode === 0 ? (JSON.parse(r.stdout) as RunStatus[]) : [];
      return s && s.done === 2 && s.held === 1 ? s : undefined;
    }, `${dir}: two chunks done and one held`);
  }

  beforeAll(async () => {
    sge = path.join(folder.path, 'sge');
    live = path.join(sge, 'live');
    killed = path.join(sge, 'killed');
    orphan = path.join(sge, 'orphan');
    queue = await DummyQueue.create(path.join(folder.path, 'cluster'), { slots: 2, keepFinished: 5, idleExit: 60 });
    env = queue.env();
    // Chunk 1 of each run is held at submit, so each run keeps one job in the queue.
    for (const jobName of ['cli-live', 'cli-killed', 'cli-orphan']) await queue.addFault({ kind: 'held', name: jobName, chunk: 1 });
    const start = (config: Parameters<typeof startSgeMap>[0]) => {
      const map = startSgeMap(config);
      children.push(map);
      return map;
    };
    liveMap = start({ workDir: live, statePath: queue.statePath, jobName: 'cli-live', tasks: [1, 2, 3] });
    const killedMap = start({ workDir: killed, statePath: queue.statePath, jobName: 'cli-killed', tasks: [4, 5, 6] });
    const orphanMap = start({ workDir: orphan, statePath: queue.statePath, jobName: 'cli-orphan', tasks: [7, 8, 9] });
    await Promise.all([untilHeld(live), untilHeld(killed), untilHeld(orphan)]);
    for (const map of [killedMap, orphanMap]) {
      map.child.kill('SIGKILL');
      await map.exited;
    }
  });

  afterAll(async () => {
    const running = children.filter((map) => map.child.exitCode === null && map.child.signalCode === null);
    for (const map of running) map.child.kill('SIGKILL');
    await Promise.all(running.map((map) => map.exited));
    await queue?.stop();
  });

  it('status of a live run asks the scheduler: the held chunk shows as held, with its native state', async () => {
    const [s] = await qmrJson<RunStatus[]>(['status', live, '--chunks'], { env });
    expect(s).toMatchObject({ state: 'running', tasks: 3, chunks: 3, done: 2, held: 1, pending: 0, running: 0, failed: 0 });
    expect(s!.submitter).toContain(`:${liveMap.child.pid} (alive)`);
    expect(s!.chunkList!.map((c) => [c.chunk, c.state])).toEqual([[0, 'done'], [1, 'held'], [2, 'done']]);
    expect(s!.chunkList![1]!.queueState).toBe('hqw');

    const human = await qmr(['status', sge, '--state', 'held'], { env });
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/^1\s+1-1\s+held\s+\S+\s+1\s+scheduler says hqw$/m);

    // without asking the scheduler, the journal only knows the job was submitted
    const [journalOnly] = await qmrJson<RunStatus[]>(['status', live, '--chunks', '--no-queue'], { env });
    expect(journalOnly!.chunkList![1]!.state).toBe('queued');
    expect(journalOnly).toMatchObject({ held: 0, queued: 1 });
  });


  it("a second map on a live run's work dir is refused, naming its submitter, and leaves the live run as it was", async () => {
    const before = await readFile(path.join(live, 'journal.jsonl'), 'utf8');
    // Before the lock, this map took the live dir for a resume: its tasks ran twice, and whichever
    // map ended first removed the dir under the other.
    const second = new Pool({ flavor: 'sge', commands: await queue.commands('sge'), workDir: live, chunkSize: 1, progress: false, handleSignals: false });
    const error = await second.map((x: number) => x * 100, [1, 2, 3]).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WorkDirBusyError', holder: { pid: liveMap.child.pid } });
    expect((error as Error).message).toMatch(new RegExp(`workDir ${live} is in use by another map: pid ${liveMap.child.pid} on \\S+, since \\d{4}-`));
    expect(await readFile(path.join(live, 'journal.jsonl'), 'utf8')).toBe(before);
  });
  it('a killed submitter makes the run interrupted, its held job still queued', async () => {
    const statuses = await qmrJson<RunStatus[]>(['status', sge, '--state', 'interrupted'], { env });
    expect(statuses.map((s) => s.run).sort()).toEqual(['killed', 'orphan']);
    expect(statuses[0]).toMatchObject({ done: 2, held: 1 });
    expect(statuses[0]!.submitter).toContain('(gone)');
  });

  it('inspect and logs of a chunk that has not run yet', async () => {
    const view = await qmr(['inspect', live, '1'], { env });
    expect(view.exitCode).toBe(0);
    expect(view.stdout).toBe('chunk 1: no result file yet\ntask 1: 2\n  (no result yet)\n');
    const log = await qmr(['logs', live, '1'], { env });
    expect(log.exitCode).toBe(1);
    expect(log.stderr).toContain('no log yet');
    expect((await qmr(['logs', live, '0'], { env })).stdout).toBe('working on 1\n');

    // what SGE itself wrote (-o/-e): only the files of the chunk's own job
    const ids = (await journal(live)).filter((r) => r.t === 'submit').flatMap((r) => r.ids as string[]);
    const own = await qmr(['logs', live, '0', '--scheduler'], { env });
    expect(own.exitCode).toBe(0);
    expect(own.stdout).toBe(`==> cli-live.e${ids[0]} <==\n(empty)\n\n==> cli-live.o${ids[0]} <==\n(empty)\n`);
    const none = await qmr(['logs', live, '1', '--scheduler'], { env });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain(`no scheduler log for job(s) ${ids[1]}`);
  });

  it('resume refuses a run whose submitting process is alive', async () => {
    const r = await qmr(['resume', live], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('is still running');
    expect(r.stderr).toContain(`qmr cancel ${live}`);
  });

  it('clean never removes a live or interrupted run, even with --failed', async () => {
    const old = path.join(sge, 'old');
    await new Pool({ workDir: old, keepWorkDir: 'always', progress: false }).map((x: number) => x, [1]);
    const r = await qmr(['clean', sge, '--failed'], { env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`removed  ${old}  finished`);
    expect(r.stdout).toContain(`kept  ${live}  running`);
    expect(r.stdout).toContain(`kept  ${killed}  interrupted`);
    await expect(stat(old)).rejects.toThrow();
    for (const dir of [live, killed, orphan]) expect((await stat(path.join(dir, 'run.json'))).isFile()).toBe(true);
  });

  // One test: the resume needs the cancel before it.
  it('cancel of a live run: its process stops and cancels the held job, the journal and the queue agree; resume carries it on to the end', async () => {
    const heldJob = (await journal(live)).filter((r) => r.t === 'submit').flatMap((r) => r.ids as string[])[1]!;
    const r = await qmr(['cancel', live], { env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`live: stopped by its submitting process, which cancelled 1 job(s): ${heldJob}\n`);

    const exit = await liveMap.exited;
    expect(JSON.parse(exit.stdout.trim())).toMatchObject({ error: 'AbortError', message: expect.stringContaining('cancelled with qmr cancel') });
    const records = await journal(live);
    expect(records).toContainEqual(expect.objectContaining({ t: 'cancel', ids: [heldJob] }));
    expect(records.at(-1)).toMatchObject({ t: 'end', outcome: 'aborted' });
    const job = (await queue.jobs()).find((j) => j.name === 'cli-live')!;
    expect(job.tasks.map((t) => t.state)).toEqual(['finished', 'finished', 'finished']);
    expect(job.tasks[1]!.outcome).toBe('cancelled');
    await expect(stat(path.join(live, 'cancel-requested'))).rejects.toThrow();

    const [aborted] = await qmrJson<RunStatus[]>(['status', live], { env });
    expect(aborted).toMatchObject({ state: 'aborted', done: 2, cancelled: 1, held: 0, pending: 0 });

    const again = await qmr(['cancel', live], { env });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('nothing to cancel, the run has already ended (aborted)');
    expect((await journal(live)).length).toBe(records.length);

    // resume carries the cancelled run on to the end
    const resumed = await qmr(['resume', live], { env });
    expect(resumed.stderr).toBe('');
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toBe(`live: 3 of 3 tasks succeeded; results in ${live}\n`);
    const [finished] = await qmrJson<RunStatus[]>(['status', live], { env });
    // Running the cancelled chunk again is no resubmission: its job was stopped, not failed.
    expect(finished).toMatchObject({ state: 'finished', done: 3, resubmissions: 0 });
    expect(await starts(live, 0)).toBe(1);
    expect(await starts(live, 1)).toBe(1);
    expect((await qmr(['inspect', live, '1'], { env })).stdout).toContain('task 1: 2\n  → 200');
  });

  it('resume of a SIGKILLed run watches its queued job instead of submitting it again, past a cancel request it never saw', async () => {
    const submitted = (await journal(killed)).filter((r) => r.t === 'submit').flatMap((r) => r.ids as string[]);
    const heldJob = submitted[1]!;
    await queue.release(Number(heldJob.split('.')[0]), Number(heldJob.split('.')[1]));
    // A `qmr cancel` written for a submitter that died before reading it: resuming is the say
    // that the run goes on, so the request must not stop it at once (MapRun removes it).
    const staleRequest = path.join(killed, 'cancel-requested');
    await writeFile(staleRequest, 'cancel requested by someone, for the process that was killed\n');
    const summary = await qmrJson<{ run: string; tasks: number; failedTasks: number }>(['resume', killed], { env });
    expect(summary).toMatchObject({ run: 'killed', tasks: 3, failedTasks: 0 });
    const records = await journal(killed);
    expect(records.some((r) => r.t === 'resume')).toBe(true);
    await expect(stat(staleRequest)).rejects.toThrow();
    expect(records.filter((r) => r.t === 'submit').flatMap((r) => r.ids as string[])).toEqual(submitted);
    for (const chunk of [0, 1, 2]) expect(await starts(killed, chunk)).toBe(1);
    const [s] = await qmrJson<RunStatus[]>(['status', killed], { env });
    expect(s).toMatchObject({ state: 'finished', done: 3, resubmissions: 0 });
    expect((await qmr(['inspect', killed, '1'], { env })).stdout).toContain('task 1: 5\n  → 500');
  });

  it('cancel of a SIGKILLed run cancels its queued job itself and marks the run aborted', async () => {
    const heldJob = (await journal(orphan)).filter((r) => r.t === 'submit').flatMap((r) => r.ids as string[])[1]!;
    const r = await qmr(['cancel', orphan], { env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`orphan: cancelled 1 job(s): ${heldJob}; the run is marked as aborted\n`);
    const job = (await queue.jobs()).find((j) => j.name === 'cli-orphan')!;
    expect(job.tasks[1]).toMatchObject({ state: 'finished', outcome: 'cancelled' });
    const records = await journal(orphan);
    expect(records.at(-2)).toMatchObject({ t: 'cancel', ids: [heldJob], why: 'qmr cancel' });
    expect(records.at(-1)).toMatchObject({ t: 'end', outcome: 'aborted' });
    const [s] = await qmrJson<RunStatus[]>(['status', orphan], { env });
    expect(s).toMatchObject({ state: 'aborted', cancelled: 1, done: 2 });
  });
});

describe('clean', () => {
  it('--dry-run lists what would go and removes nothing; clean removes finished runs only; --failed the rest', async () => {
    const dry = await qmr(['clean', runs, '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^would remove  ${ok}  finished `, 'm'));
    expect(dry.stdout).toContain(`kept  ${bad}  failed (use --failed to remove)`);
    expect((await stat(ok)).isDirectory()).toBe(true);

    const young = await qmrJson<Array<{ run: string; remove: boolean }>>(['clean', runs, '--older-than', '1d']);
    expect(young.map((c) => [c.run, c.remove])).toEqual([['bad', false], ['ok', false]]);
    expect((await stat(ok)).isDirectory()).toBe(true);

    const removed = await qmrJson<Array<{ run: string; remove: boolean }>>(['clean', runs]);
    expect(removed.map((c) => [c.run, c.remove])).toEqual([['bad', false], ['ok', true]]);
    await expect(stat(ok)).rejects.toThrow();
    expect((await stat(bad)).isDirectory()).toBe(true);

    const all = await qmr(['clean', runs, '--failed']);
    expect(all.stdout).toContain(`removed  ${bad}  failed`);
    await expect(stat(bad)).rejects.toThrow();
    expect((await qmr(['clean', runs])).stdout).toBe('no runs found\n');
  });
});
