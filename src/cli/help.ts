/**
 * The longer help texts, kept apart from the command wiring so that both read easily. They are
 * written for someone who has only `qmr --help`: where runs are, what the words mean, what the
 * exit codes are, and a first command to type. Lines stay within 80 columns (commander does
 * not wrap these).
 */
import { flavorDefinitions } from '../queues/registry.js';
import { FAILURE_CAUSES } from '../trace/failure-cause.js';
import { TRACE_FIELDS } from '../trace/trace-tsv.js';

type TraceField = (typeof TRACE_FIELDS)[number];

/** Each flavor's accounting command, as its definition names it. */
const ACCOUNTING_COMMANDS = flavorDefinitions().flatMap((d) => d.accountingCommand ?? []).join(', ');

export const PROGRAM_HELP = `
A run is the work dir of one map: ./.qmr/<run id> by default, or the workDir
option given to the Pool. Commands that take [dirs...] accept run folders or
folders of runs (default ./.qmr); commands that take <dir> need one run folder.

Run states:
  running      its submitting process is alive
  finished     ended, every task returned a value
  failed       ended with failed tasks or chunks, or with an error
  aborted      stopped (Ctrl-C, an AbortSignal, qmr cancel); resumable
  detached     its process left with jobs still queued (keepJobsOnExit);
               qmr resume watches them
  interrupted  its process died without ending it (killed, machine lost);
               qmr resume carries it on

Exit status: 0 done; 1 the command failed (or qmr resume: some tasks failed);
2 bad usage (unknown command or option, bad value).
Commands that report take --json for scripts.

Examples:
  qmr status                        every run under ./.qmr
  qmr status runs/ --state failed   runs that failed, under runs/
  qmr status DIR --chunks           one line per chunk of the run in DIR
  qmr inspect DIR 3                 tasks, results and errors of chunk 3
  qmr logs DIR 3 --stderr --tail 20
`;

export const STATUS_HELP = `
Columns: TASKS (with how many failed), then chunks: CHUNKS in all, DONE (every
task returned), RUNNING, PENDING (waiting in the queue or not submitted yet),
HELD (held or in an error state in the scheduler), FAILED (given up, or some of
its tasks threw), CANCELLED; RESUB: chunks submitted again after a lost or
failed job; ELAPSED: from the start to the end (or to now).

--state takes a run state (running, finished, failed, aborted, detached,
interrupted) or a chunk state (done, failed, running, pending, held, queued,
cancelled, unsubmitted); a chunk state lists the matching chunks of each run.
'failed' and 'running' mean runs, or chunks when --chunks is given.
A chunk is 'queued' when its job was submitted but the scheduler was not asked
(local runs, --no-queue), did not answer, or no longer lists it. Elastic runs
on the local flavor tell running workers by their heartbeat files; a worker
runs one of the units it claimed at a time, the others are pending.

--json prints an array with one object per run (counts as numbers; chunkList
with --chunks or a chunk state).

Nothing to show (no runs, or none left by --state or --run) is not an error:
qmr says which filter left nothing, --json prints [], and the exit status is 0.

Examples:
  qmr status --state running
  qmr status DIR --chunks --state held
  qmr status DIR --json | jq '.[0].failedTasks'
`;

export const LOGS_HELP = `
Chunk numbers are in \`qmr status DIR --chunks\`. A chunk's log holds every
attempt; on stderr each starts with a "[qmr ...] chunk N ... started as job ..."
line.

Examples:
  qmr logs DIR 0
  qmr logs DIR 0 --stderr --tail 50
  qmr logs DIR 0 --grep 'warn|error'
`;

export const INSPECT_HELP = `
Chunk numbers are in \`qmr status DIR --chunks\`; failed chunks say so there.
Decoding only reads data, it never runs code from the work dir.

Examples:
  qmr inspect DIR 3
  qmr inspect DIR 3 --json | jq '.tasks[] | select(.status == "rejected")'
`;

export const CANCEL_HELP = `
A run that has already ended has nothing to cancel: qmr says so and exits 0.
Exit 1 when the submitting process was asked to stop but has not within a
minute. A cancelled run can still be carried on with qmr resume.
`;

export const RESUME_HELP = `
For runs that are interrupted, aborted or detached, and finished runs whose
tasks failed: those tasks run again (only they: the successes in their chunks
are kept). After fixing a bug in fn's module, pass --rerun-failed any-fn: the
failed tasks run with the edited code, and the journal and \`qmr trace\` say
which function produced each result. A run whose submitting process is still
alive is refused (exit 1). Exit 1 also when some tasks failed; their errors
are in \`qmr status DIR --chunks\` and \`qmr inspect DIR CHUNK\`.
`;

export const CLEAN_HELP = `
Each run found is listed with what happened to it (removed, would remove, or
kept and why).

Examples:
  qmr clean --dry-run              what would go, under ./.qmr
  qmr clean runs/ --older-than 7d
  qmr clean runs/ --failed
`;

/**
 * A few words on each trace column, keyed by trace-tsv.ts's TRACE_FIELDS so that the help lists
 * the columns the trace has, in its order (a new column does not compile without its words).
 */
const TRACE_COLUMN_NOTES: Record<TraceField, string> = {
  task_id: '(the chunk)',
  attempt: '',
  native_id: '(the job id)',
  name: '',
  status: '(SUBMITTED, COMPLETED, FAILED, ABORTED)',
  exit: '',
  submit: '',
  start: '',
  complete: '(UTC)',
  queue_wait: '',
  duration: '(submit to complete)',
  realtime: '(start to complete)',
  cpu_time: '',
  '%cpu': '',
  peak_rss: '(measured by the worker inside the job)',
  memory: '',
  time: '(what the attempt asked for)',
  hostname: '',
  tasks: '(a rerun runs only the failed ones)',
  failed_tasks: '',
  fn: '(which function version ran it)',
  cause: `(${FAILURE_CAUSES.join(', ')})`,
  reason: '(the first line of what the journal recorded)',
  sched_state: "(the scheduler's final state in its own words)",
  sched_exit: '',
  sched_elapsed: '',
  sched_cpu_time: '',
  sched_peak_rss: '',
  sched_host: '',
};

/** Words joined into lines of at most `width` columns. */
function wrap(text: string, width = 78): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

const SCHEDULER_COLUMNS = TRACE_FIELDS.filter((f) => f.startsWith('sched_'));
const describeColumns = (fields: readonly TraceField[]) =>
  fields.map((f) => (TRACE_COLUMN_NOTES[f] ? `${f} ${TRACE_COLUMN_NOTES[f]}` : f)).join(', ');

export const TRACE_HELP = `
${wrap(`Columns (Nextflow's names where one fits): ${describeColumns(TRACE_FIELDS.filter((f) => !f.startsWith('sched_')))}.
start, realtime, CPU and memory are known only for the job that wrote the chunk's result.
Then the scheduler's own accounting of each job, where it answers within a few seconds
(${ACCOUNTING_COMMANDS}): ${describeColumns(SCHEDULER_COLUMNS)}; '-' where it kept none
(a note on stderr says why). Short jobs: Slurm samples memory every 30 s by default, so its peak
may miss what the worker measured. A run whose work dir was removed at its end left its trace
beside it, as <workDir>.trace.tsv (without the scheduler's columns filled).`)}

Examples:
  qmr trace DIR | column -t -s $'\\t'
  qmr trace DIR --json | jq '.[] | select(.cause == "out of memory")'
`;

export const REPORT_HELP = `
Prints the path of the file written. The file needs nothing else to be viewed:
copy it off the cluster and open it in a browser.

Examples:
  qmr report DIR
  qmr report DIR -o run.html
`;
