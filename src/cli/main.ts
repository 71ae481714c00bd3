#!/usr/bin/env node
/**
 * qmr: see and steer queue-map-reduce runs from the shell.
 * Exit status: 0 success; 1 the command failed, or tasks failed; 2 bad usage.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { cancelRun } from './cancel.js';
import { chooseForCleaning, parseAge, removeRuns } from './clean.js';
import { inspectChunk, renderChunk, toJson } from './inspect.js';
import { chunkLog } from './logs.js';
import { findRunDirs, loadRun, type RunInfo } from './runs.js';
import { queueStates, renderStatus, summarize } from './status.js';
import { resumeRun } from '../resume.js';

const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function integer(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number');
  return Number(text);
}

function print(text: string): void {
  process.stdout.write(text);
}

async function runsFrom(dirs: string[], runFilter?: string): Promise<RunInfo[]> {
  const found = await findRunDirs(dirs);
  const runs = await Promise.all(found.map((d) => loadRun(d)));
  return runFilter ? runs.filter((r) => r.record.runId.includes(runFilter) || r.dir.includes(runFilter)) : runs;
}

async function oneRun(dir: string): Promise<RunInfo> {
  const [found] = await findRunDirs([dir]);
  if (!found) throw new Error(`${dir} is not a run folder (no run.json)`);
  return loadRun(found);
}

const program = new Command('qmr')
  .description('See and steer queue-map-reduce runs: status, logs, inspect, cancel, resume, clean.\nA run is the work dir of one map (by default ./.qmr/<run id>).')
  .version(version)
  .showHelpAfterError('(run `qmr --help` or `qmr <command> --help`)')
  .exitOverride();

program
  .command('status')
  .summary('state and counts of runs (and chunks)')
  .description('One line per run: state, counts of chunks by state, resubmissions, elapsed time.\nWith no DIR, every run under ./.qmr. Queued jobs are looked up in their scheduler (one call per run).')
  .argument('[dirs...]', 'run folders, or folders of runs')
  .option('--chunks', 'one line per chunk as well')
  .addOption(new Option('--state <state>', 'only runs (or with --chunks, chunks) in this state').choices(['running', 'finished', 'failed', 'aborted', 'detached', 'interrupted', 'done', 'queued', 'unsubmitted']))
  .option('--run <id>', 'only runs whose id or folder contains this text')
  .option('--no-queue', 'do not ask the scheduler; show what the journal knows')
  .option('--json', 'machine-readable output')
  .action(async (dirs: string[], o: { chunks?: boolean; state?: string; run?: string; queue: boolean; json?: boolean }) => {
    let runs = await runsFrom(dirs, o.run);
    const chunkStates = ['done', 'queued', 'unsubmitted', 'failed'];
    if (o.state && !o.chunks && !chunkStates.includes(o.state)) runs = runs.filter((r) => r.state === o.state);
    const live = o.queue ? await queueStates(runs) : new Map();
    const statuses = runs.map((r) => summarize(r, live.get(r), Boolean(o.chunks)));
    if (o.chunks && o.state) {
      for (const s of statuses) s.chunkList = s.chunkList?.filter((c) => c.state === o.state);
    }
    print(o.json ? `${JSON.stringify(statuses, null, 2)}\n` : renderStatus(statuses, Boolean(o.chunks)));
  });

program
  .command('logs')
  .summary("a chunk's stdout or stderr")
  .description("A chunk's stdout (default) or stderr, appended across its attempts.")
  .argument('<dir>', 'run folder')
  .argument('<chunk>', 'chunk number', integer)
  .option('--stderr', 'show stderr instead of stdout')
  .option('--scheduler', "show what the scheduler itself wrote for the chunk's jobs")
  .option('--tail <n>', 'only the last n lines', integer)
  .option('--grep <regex>', 'only lines matching this regular expression')
  .action(async (dir: string, chunk: number, o: { stderr?: boolean; scheduler?: boolean; tail?: number; grep?: string }) => {
    const run = await oneRun(dir);
    const jobIds = run.recorded.chunks.get(chunk)?.attempts.map((a) => a.jobId) ?? [];
    print(await chunkLog(run.layout, chunk, o, jobIds));
  });

program
  .command('inspect')
  .summary("a chunk's tasks, results and errors")
  .description("A chunk's tasks, and each task's result or error (with the remote stack), decoded.")
  .argument('<dir>', 'run folder')
  .argument('<chunk>', 'chunk number', integer)
  .option('--json', 'machine-readable output (types JSON lacks are tagged with $type)')
  .action(async (dir: string, chunk: number, o: { json?: boolean }) => {
    const run = await oneRun(dir);
    const view = await inspectChunk(run.layout, chunk);
    print(o.json ? `${toJson(view)}\n` : renderChunk(view));
  });

program
  .command('cancel')
  .summary('stop a run and cancel its jobs')
  .description('Stop a run and cancel its jobs. A submitting process that is still alive is asked to stop\n(and cancels its own jobs); otherwise this command cancels the jobs itself.')
  .argument('<dir>', 'run folder')
  .option('--json', 'machine-readable output')
  .action(async (dir: string, o: { json?: boolean }) => {
    const outcome = await cancelRun(await oneRun(dir));
    if (o.json) print(`${JSON.stringify(outcome, null, 2)}\n`);
    else print(`${outcome.run}: ${outcome.how}${outcome.jobs.length ? ` (${outcome.jobs.length} job(s): ${outcome.jobs.slice(0, 10).join(' ')}${outcome.jobs.length > 10 ? ' ...' : ''})` : ''}${outcome.stillRunning ? '; the submitting process has not stopped yet' : ''}\n`);
    if (outcome.stillRunning) process.exitCode = 1;
  });

program
  .command('resume')
  .summary('carry on an interrupted run from its work dir')
  .description('Carry on a run from its work dir: finished chunks are kept, jobs still queued are watched,\nthe rest are submitted again with the options the run was started with. Results stay in the\nwork dir: run your program again with the same workDir to get them, or use `qmr inspect`.')
  .argument('<dir>', 'run folder')
  .option('--no-progress', 'no progress line')
  .option('--json', 'machine-readable summary')
  .action(async (dir: string, o: { progress: boolean; json?: boolean }) => {
    const run = await oneRun(dir);
    if (run.state === 'running' && run.submitter !== 'gone') {
      throw new Error(`run ${run.record.runId} is still running (pid ${run.submitterPid} on ${run.submitterHost}); nothing to resume`);
    }
    const summary = await resumeRun(run.dir, { progress: o.progress && process.stderr.isTTY === true });
    if (o.json) print(`${JSON.stringify(summary, null, 2)}\n`);
    else print(`${run.record.runId}: ${summary.tasks - summary.failedTasks} of ${summary.tasks} tasks succeeded${summary.failedTasks ? `, ${summary.failedTasks} failed (see \`qmr status --chunks ${run.dir}\`)` : ''}; results in ${run.dir}\n`);
    if (summary.failedTasks > 0) process.exitCode = 1;
  });

program
  .command('clean')
  .summary('remove the folders of runs that are over')
  .description('Remove the folders of runs that are over: by default those that finished without failures.\nRuns that are running, interrupted (resumable) or detached are never removed.')
  .argument('[dirs...]', 'run folders, or folders of runs (default ./.qmr)')
  .option('--failed', 'also remove runs that failed or were aborted')
  .option('--older-than <age>', 'only runs that ended longer ago than this, e.g. 7d, 12h, 30m')
  .option('-n, --dry-run', 'only list what would be removed')
  .option('--json', 'machine-readable output')
  .action(async (dirs: string[], o: { failed?: boolean; olderThan?: string; dryRun?: boolean; json?: boolean }) => {
    const runs = await runsFrom(dirs);
    const choices = chooseForCleaning(runs, Boolean(o.failed), o.olderThan ? parseAge(o.olderThan) : undefined);
    if (!o.dryRun) await removeRuns(choices);
    if (o.json) print(`${JSON.stringify(choices, null, 2)}\n`);
    else {
      for (const c of choices) print(`${c.remove ? (o.dryRun ? 'would remove' : 'removed') : 'kept'}  ${c.dir}  ${c.remove ? c.why : c.why.replace(/^kept: /, '')}\n`);
      if (choices.length === 0) print('no runs found\n');
    }
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; usage errors with 2.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`qmr: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

void main();

