#!/usr/bin/env node
/**
 * qmr: see and steer queue-map-reduce runs from the shell.
 * Exit status: 0 success; 1 the command failed, or tasks failed; 2 bad usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { age, regularExpression, wholeNumber } from './arguments.js';
import { cancelRun, describeCancel } from './cancel.js';
import { chooseForCleaning, removeRuns } from './clean.js';
import { CANCEL_HELP, CLEAN_HELP, INSPECT_HELP, LOGS_HELP, PROGRAM_HELP, REPORT_HELP, RESUME_HELP, STATUS_HELP, TRACE_HELP } from './help.js';
import { inspectChunk, renderChunk, toJson } from './inspect.js';
import { chunkLog, type WorkerLogFiles } from './logs.js';
import { ElasticLayout } from '../protocol/elastic/layout.js';
import { readOwner } from '../protocol/elastic/claims.js';
import type { RunInfo } from './runs.js';
import { checkChunk, oneRun, runMatches, runsFrom } from './select-runs.js';
import { traceText, writeReport } from './trace-report.js';
import { CHUNK_STATES, keepChunks, queueStates, renderStatus, RUN_STATES, stateFilter, summarize, type StatusSelection } from './status.js';
import { resumeRun } from '../resume/resume-from-work-dir.js';
import { checkWorkDirTrusted } from '../work-dir/work-dir-trust.js';

const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// `qmr status | head -1` closes the pipe early: that is the reader being done, not an error
// worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

function print(text: string): void {
  process.stdout.write(text);
}

const program = new Command('qmr')
  .description('See and steer queue-map-reduce runs: status, logs, inspect, trace, report, cancel, resume, clean.')
  .version(version)
  .addHelpText('after', PROGRAM_HELP)
  .showHelpAfterError('(run `qmr --help` or `qmr <command> --help`)')
  .showSuggestionAfterError()
  .exitOverride();

program
  .command('status')
  .summary('state and counts of runs (and chunks)')
  .description('One line per run: state, tasks, chunks by state, resubmissions, elapsed time. With no DIR, every run under ./.qmr. Queued jobs are looked up in their scheduler (one call per run).')
  .argument('[dirs...]', 'run folders, or folders of runs (default ./.qmr)')
  .option('--chunks', 'one line per chunk as well')
  .addOption(new Option('--state <state>', 'only runs, or chunks, in this state (see below)').choices([...new Set([...RUN_STATES, ...CHUNK_STATES])]))
  .option('--run <text>', 'only runs whose id or folder contains this text')
  .option('--no-queue', 'do not ask the scheduler; show what the journal knows')
  .option('--json', 'machine-readable output')
  .addHelpText('after', STATUS_HELP)
  .action(async (dirs: string[], o: { chunks?: boolean; state?: string; run?: string; queue: boolean; json?: boolean }) => {
    const { runState, chunkState } = stateFilter(o.state, Boolean(o.chunks));
    const found = await runsFrom(dirs);
    const runText = o.run;
    let runs = runText === undefined ? found : found.filter((r) => runMatches(r, runText));
    const selection: StatusSelection = {
      found: found.length,
      ...(runText !== undefined ? { run: { text: runText, kept: runs.length } } : {}),
      ...(runState ? { runState } : {}),
      ...(chunkState ? { chunkState } : {}),
    };
    if (runState) runs = runs.filter((r) => r.state === runState);
    const live = o.queue ? await queueStates(runs) : new Map();
    const withChunks = Boolean(o.chunks) || chunkState !== undefined;
    let statuses = runs.map((r) => summarize(r, live.get(r), withChunks));
    if (chunkState) statuses = keepChunks(statuses, chunkState);
    // An empty answer is an answer, not a failure: exit 0 (--json: []), as STATUS_HELP says.
    print(o.json ? `${JSON.stringify(statuses, null, 2)}\n` : renderStatus(statuses, withChunks, selection));
  });

program
  .command('logs')
  .summary("a chunk's stdout or stderr")
  .description("A chunk's stdout (default) or stderr, appended across its attempts.")
  .argument('<dir>', 'run folder')
  .argument('<chunk>', 'chunk number (from `qmr status DIR --chunks`)', wholeNumber)
  .option('--stderr', 'show stderr instead of stdout')
  .option('--scheduler', "show what the scheduler itself wrote for the chunk's jobs")
  .option('--tail <n>', 'only the last n lines', wholeNumber)
  .option('--grep <regex>', 'only lines matching this regular expression (JavaScript syntax)', regularExpression)
  .addHelpText('after', LOGS_HELP)
  .action(async (dir: string, chunk: number, o: { stderr?: boolean; scheduler?: boolean; tail?: number; grep?: string }) => {
    const run = await oneRun(dir);
    checkChunk(run, chunk);
    const jobIds = run.recorded.chunks.get(chunk)?.attempts.map((a) => a.jobId) ?? [];
    print(await chunkLog(run.layout, chunk, o, jobIds, run.record.flavor, await workerLogsOf(run, chunk, jobIds)));
  });

program
  .command('inspect')
  .summary("a chunk's tasks, results and errors")
  .description("A chunk's tasks, and each task's result or error (with the remote stack), decoded.")
  .argument('<dir>', 'run folder')
  .argument('<chunk>', 'chunk number (from `qmr status DIR --chunks`)', wholeNumber)
  .option('--json', 'machine-readable output (types JSON lacks are tagged with $type)')
  .addHelpText('after', INSPECT_HELP)
  .action(async (dir: string, chunk: number, o: { json?: boolean }) => {
    const run = await oneRun(dir);
    checkChunk(run, chunk);
    const view = await inspectChunk(run.layout, chunk, run.recorded.chunks.get(chunk)?.failure);
    print(o.json ? `${toJson(view)}\n` : renderChunk(view));
  });

program
  .command('cancel')
  .summary('stop a run and cancel its jobs')
  .description('Stop a run and cancel its jobs. A submitting process that is still alive is asked to stop (and cancels its own jobs); otherwise this command cancels the jobs itself and marks the run aborted.')
  .argument('<dir>', 'run folder')
  .option('--json', 'machine-readable output')
  .addHelpText('after', CANCEL_HELP)
  .action(async (dir: string, o: { json?: boolean }) => {
    const run = await oneRun(dir);
    // Its journal names the jobs to cancel: a forged one could cancel other jobs of the caller's.
    await checkWorkDirTrusted(run.dir);
    const outcome = await cancelRun(run);
    print(o.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${describeCancel(outcome, run.dir)}\n`);
    if (outcome.stillRunning) process.exitCode = 1;
  });

program
  .command('resume')
  .summary('carry on an interrupted run from its work dir')
  .description('Carry on a run from its work dir: finished chunks are kept, jobs still queued are watched, the rest are submitted again with the options the run was started with; tasks that failed run again (their chunks\' successes are kept). Results stay in the work dir: run your program again with the same workDir to get them, or use `qmr inspect`.')
  .argument('<dir>', 'run folder')
  .addOption(
    new Option('--rerun-failed <mode>', "failed tasks: 'same-fn' runs them again if fn (its module file) is unchanged; 'any-fn' also with an edited module; 'never' keeps the failures")
      .choices(['same-fn', 'any-fn', 'never'])
      .default('same-fn'),
  )
  .option('--no-progress', 'no progress line (it is shown on stderr when that is a terminal)')
  .option('--json', 'machine-readable summary')
  .addHelpText('after', RESUME_HELP)
  .action(async (dir: string, o: { progress: boolean; json?: boolean; rerunFailed: 'same-fn' | 'any-fn' | 'never' }) => {
    const run = await oneRun(dir);
    if (run.state === 'running') {
      throw new Error(`run ${run.record.runId} is still running (pid ${run.submitterPid} on ${run.submitterHost}); nothing to resume (\`qmr cancel ${run.dir}\` stops it)`);
    }
    const summary = await resumeRun(run.dir, { progress: o.progress && process.stderr.isTTY === true, rerunFailed: o.rerunFailed });
    if (o.json) print(`${JSON.stringify({ run: run.record.runId, ...summary }, null, 2)}\n`);
    else print(`${run.record.runId}: ${summary.tasks - summary.failedTasks} of ${summary.tasks} tasks succeeded${summary.failedTasks ? `, ${summary.failedTasks} failed (see \`qmr status --chunks ${run.dir}\`)` : ''}; results in ${run.dir}\n`);
    if (summary.failedTasks > 0) process.exitCode = 1;
  });

program
  .command('clean')
  .summary('remove the folders of runs that are over')
  .description('Remove the folders of runs that are over: by default those that finished without failures. Runs that are running, interrupted (resumable) or detached are never removed.')
  .argument('[dirs...]', 'run folders, or folders of runs (default ./.qmr)')
  .option('--failed', 'also remove runs that failed or were aborted')
  .option('--older-than <age>', 'only runs that ended longer ago than this, e.g. 7d, 12h, 30m', age)
  .option('-n, --dry-run', 'only list what would be removed')
  .option('--json', 'machine-readable output')
  .addHelpText('after', CLEAN_HELP)
  .action(async (dirs: string[], o: { failed?: boolean; olderThan?: number; dryRun?: boolean; json?: boolean }) => {
    const runs = await runsFrom(dirs);
    const choices = chooseForCleaning(runs, Boolean(o.failed), o.olderThan);
    if (!o.dryRun) await removeRuns(choices);
    if (o.json) print(`${JSON.stringify(choices, null, 2)}\n`);
    else {
      for (const c of choices) print(`${c.remove ? (o.dryRun ? 'would remove' : 'removed') : 'kept'}  ${c.dir}  ${c.remove ? c.why : c.why.replace(/^kept: /, '')}\n`);
      if (choices.length === 0) print('no runs found\n');
    }
  });

program
  .command('trace')
  .summary('every job attempt: times, queue wait, host, CPU, memory, cause of failure')
  .description("One line per job attempt of each chunk, as TSV with Nextflow's trace field names: submit, start and complete times, queue wait, run time, CPU time and peak memory measured by the worker, host, status, and the cause of a failure. Works on a live run too.")
  .argument('<dir>', 'run folder')
  .option('--json', 'machine-readable output (times in epoch milliseconds, durations in milliseconds)')
  .option('--no-accounting', "do not ask the scheduler for its accounting (the sched_* columns)")
  .addHelpText('after', TRACE_HELP)
  .action(async (dir: string, o: { json?: boolean; accounting: boolean }) => {
    const { text, note } = await traceText(await oneRun(dir), Boolean(o.json), o.accounting);
    print(text);
    if (note) process.stderr.write(`qmr trace: ${note}\n`);
  });

program
  .command('report')
  .summary('a self-contained HTML report of a run')
  .description('One HTML file (no network needed to view it): summary, hints, a timeline of jobs with queue wait and run time, per-chunk run time and memory, failed attempts.')
  .argument('<dir>', 'run folder')
  .option('-o, --output <file>', 'where to write it (default ./qmr-report-<run id>.html)')
  .option('--no-accounting', "do not ask the scheduler for its accounting of the jobs")
  .addHelpText('after', REPORT_HELP)
  .action(async (dir: string, o: { output?: string; accounting: boolean }) => {
    print(`${await writeReport(await oneRun(dir), o.output, o.accounting)}\n`);
  });

// A usage error names the help that fits: the subcommand's own, where its options are.
for (const command of program.commands) command.showHelpAfterError(`(see \`qmr ${command.name()} --help\`)`);

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

/**
 * In an elastic run, the log files of the workers whose jobs ran (claimed) a chunk: from the
 * journal's claims, else from the claim on disk (a claim the pool saw only after the result).
 */
async function workerLogsOf(run: RunInfo, chunk: number, jobIds: readonly string[]): Promise<WorkerLogFiles[]> {
  if (run.recorded.workers.size === 0) return [];
  const layout = new ElasticLayout(run.layout.root);
  const owner = jobIds.length === 0 ? await readOwner(layout, chunk) : undefined;
  return [...run.recorded.workers.values()]
    .filter((w) => jobIds.includes(w.jobId) || w.ticket === owner?.ticket)
    .map((w) => ({ ticket: w.ticket, job: w.jobId, stdout: layout.stdoutLog(w.ticket), stderr: layout.stderrLog(w.ticket) }));
}
