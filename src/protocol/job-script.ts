/**
 * The worker-node script (job.sh). A scheduler starts it on some node with a bare environment; it
 *  1. works out which chunk to run (from `--chunks LIST` and the array index),
 *  2. sends its output to that chunk's log files,
 *  3. restores the caller's environment, sources envScript, applies `env`,
 *  4. changes to workingDir and runs the worker program with the caller's node and flags.
 * Values are single-quoted, so any text (quotes, newlines, `$(...)`, backticks, non-ASCII)
 * arrives as the same text and nothing in it runs.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import type { WorkDirLayout } from './work-dir-layout.js';

/** How the script learns the array index and the job id on a given scheduler. */
export interface ArrayConvention {
  /** A bash expression for the array index, empty outside an array job, e.g. `${SLURM_ARRAY_TASK_ID:-}`. */
  indexExpression: string;
  /** The first index of the arrays this flavor submits (SGE and LSF count from 1, Slurm from 0). */
  indexBase: number;
  /**
   * A bash expression for the scheduler's id of this job (or array element), for logs and results.
   * Parameter expansion only: job.sh runs no subshell, since every fork costs milliseconds at the
   * start of every job.
   */
  jobIdExpression: string;
  /** A suffix the expression leaves on plain jobs, dropped (SGE `.undefined`, LSF `[0]`). */
  jobIdSuffixOfPlainJobs?: string;
  /**
   * The job id when the submit passed `--index` itself (a plain job, or a flavor that passes the
   * index): a plain Slurm job submitted from inside an array element inherits the caller's
   * SLURM_ARRAY_* variables, so jobIdExpression would name the caller. Default: jobIdExpression.
   */
  explicitIndexJobIdExpression?: string;
}

export interface JobScriptInput {
  runId: string;
  layout: WorkDirLayout;
  /** The caller's variables to restore (already filtered by exportEnv). */
  environment: Record<string, string>;
  envScript: string | undefined;
  env: Record<string, string>;
  workingDir: string;
  /** Node binary and its flags. */
  executable: readonly string[];
  /** Absolute path of the worker program (dist/worker/main.js). */
  workerProgram: string;
  convention: ArrayConvention;
  /**
   * 'chunk' (job.sh): element k runs the k-th chunk of its list. 'claim' (worker.sh, elastic
   * maps): the list holds worker tickets, and element k is the worker of the k-th ticket, which
   * claims units until none are left; its logs are the worker's own.
   */
  mode?: 'chunk' | 'claim';
  /**
   * HTCondor's file transfer (the fileTransfer option): the job starts in a scratch folder
   * holding only what was transferred, so nothing here names a path of the submit side. job.sh
   * lays the files out as a run folder (qmr-run), writes the chunk's logs and result into
   * qmr-out (whose contents HTCondor sends back), sources envScript by its name, and stays in
   * the scratch folder instead of workingDir.
   */
  fileTransfer?: boolean;
}

/** Where job.sh puts things in a job's scratch folder under file transfer (see transferLayout below). */
export const TRANSFER_WORKER_DIR = 'qmr-worker';
export const TRANSFER_RUN_DIR = 'qmr-run';
export const TRANSFER_OUT_DIR = 'qmr-out';
/** In the work dir: a module function's file, sent as the folder's contents (so beside job.sh). */
export const TRANSFER_MODULE_DIR = 'qmr-module';

export function isShellName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** Single-quotes a value for bash: inside '...' nothing is special but the quote itself. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function exportLines(variables: Record<string, string>): string {
  return Object.entries(variables)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n');
}

export function renderJobScript(input: JobScriptInput): string {
  const { layout, convention } = input;
  for (const name of Object.keys(input.env)) {
    if (!isShellName(name)) throw new Error(`env: ${JSON.stringify(name)} is not a valid variable name`);
  }
  const claim = input.mode === 'claim';
  const transfer = input.fileTransfer === true;
  if (transfer && claim) throw new Error('file transfer runs static chunks only: elastic workers claim from a shared folder');
  const workerProgram = transfer ? `${TRANSFER_WORKER_DIR}/worker/main.js` : input.workerProgram;
  const words = [...input.executable, workerProgram, transfer ? TRANSFER_RUN_DIR : layout.root].map(shellQuote).join(' ');
  const logsDir = transfer ? TRANSFER_OUT_DIR : layout.logsDir;
  const envScript = input.envScript && transfer ? `./${path.basename(input.envScript)}` : input.envScript;
  const command = claim ? `${words} --claim "$qmr_chunk"` : `${words} "$qmr_chunk"`;
  const serveCommand = claim ? `${words} --serve --claim` : `${words} --serve`;
  const logPrefix = claim ? 'worker' : 'chunk';
  return `#!/bin/bash
# queue-map-reduce worker-node script for run ${input.runId}
# Written on ${hostname()} at ${new Date().toISOString()}. Readable by its owner only: it holds
# the caller's environment. Usage: job.sh --chunks LIST [--index N], or QMR_CHUNKS=LIST in the
# environment; element k of an array job (k = index - ${convention.indexBase}) runs the k-th chunk of LIST.

qmr_fail() { echo "queue-map-reduce job.sh: $*" >&2; exit 97; }

# Sets qmr_chunk to the chunk at position $2 of a list like 0-99,105,107-110 (or 0-99+105+107-110),
# without expanding the list. (No subshells anywhere: each fork would cost every job milliseconds.)
qmr_chunk_at() {
  local position=$2 part start end IFS=,+
  for part in $1; do
    start=\${part%-*}; end=\${part#*-}
    if [ "$position" -le $((end - start)) ]; then qmr_chunk=$((start + position)); return 0; fi
    position=$((position - (end - start + 1)))
  done
  return 1
}

qmr_chunks=\${QMR_CHUNKS:-}
qmr_index=
qmr_serve=
while [ $# -gt 0 ]; do
  case $1 in
    --chunks) qmr_chunks=$2; shift 2 ;;
    --index) qmr_index=$2; shift 2 ;;
    --serve) qmr_serve=1; shift ;;
    *) qmr_fail "unknown argument: $1" ;;
  esac
done

# --serve (the local flavor): a worker process that runs chunk after chunk, told which on stdin;
# it writes each chunk's logs itself. Otherwise: one chunk, found from the list and the index.
if [ -z "$qmr_serve" ]; then
[ -n "$qmr_chunks" ] || qmr_fail "no chunk list: pass --chunks LIST or set QMR_CHUNKS"
if [ -n "$qmr_index" ]; then
  QMR_JOB_ID=${convention.explicitIndexJobIdExpression ?? convention.jobIdExpression}
else
  qmr_index=${convention.indexExpression}
  QMR_JOB_ID=${convention.jobIdExpression}
fi
case $qmr_index in
  '' | undefined) qmr_position=0 ;;
  *) qmr_position=$((qmr_index - ${convention.indexBase})) ;;
esac
qmr_chunk_at "$qmr_chunks" "$qmr_position" ||
  qmr_fail "array index $qmr_index is outside the chunk list $qmr_chunks"${convention.jobIdSuffixOfPlainJobs ? `
QMR_JOB_ID=\${QMR_JOB_ID%${shellQuote(convention.jobIdSuffixOfPlainJobs)}}` : ''}

${transfer ? transferLayout() : ''}# From here on, everything goes to the chunk's own logs (appended: one section per attempt).
printf -v qmr_log '%s/${logPrefix}-%06d' ${shellQuote(logsDir)} "$qmr_chunk"
exec >>"$qmr_log.out" 2>>"$qmr_log.err" || qmr_fail "cannot write the logs $qmr_log.out/.err"
# Marks where this attempt begins, even if node then fails to start.
TZ=UTC0 printf '[qmr %(%Y-%m-%dT%H:%M:%S)TZ] job.sh: job %s on %s, ${logPrefix} %s\\n' -1 "$QMR_JOB_ID" "$HOSTNAME" "$qmr_chunk" >&2
fi

# The caller's environment
${exportLines(input.environment)}
export QMR_JOB_ID
${transfer ? 'export QMR_FILE_TRANSFER=1\n' : ''}
${envScript ? `# envScript\n. ${shellQuote(envScript)} || qmr_fail "envScript ${envScript.replace(/["\\$`]/g, '')} failed with status $?"\n` : ''}${Object.keys(input.env).length > 0 ? `# env option\n${exportLines(input.env)}\n` : ''}
${transfer ? '# File transfer: the job stays in the scratch folder HTCondor started it in.' : `cd ${shellQuote(input.workingDir)} || qmr_fail "cannot change to workingDir ${input.workingDir.replace(/["\\$`]/g, '')}"`}
[ -n "$qmr_serve" ] && exec ${serveCommand}
exec ${command}
`;
}

/**
 * File transfer: HTCondor put every input file flat into the scratch folder. Lay them out as the
 * worker's run folder (qmr-run/function.json, qmr-run/chunks/) and let its results folder be
 * qmr-out, which also takes the logs: transfer_output_files sends back qmr-out's contents, so a
 * worker that died before writing a result leaves nothing missing (a listed file that is missing
 * would put the job on hold). Failures here go to the scheduler's error file (condor-C.P.err).
 */
function transferLayout(): string {
  return `# File transfer: the scratch folder holds only what was transferred; make the run folder.
printf -v qmr_tasks 'chunk-%06d.tasks' "$qmr_chunk"
mkdir -p ${TRANSFER_OUT_DIR} ${TRANSFER_RUN_DIR}/chunks || qmr_fail "cannot make ${TRANSFER_OUT_DIR} and ${TRANSFER_RUN_DIR} in the scratch folder $PWD"
ln -sfn ../${TRANSFER_OUT_DIR} ${TRANSFER_RUN_DIR}/results || qmr_fail "cannot link ${TRANSFER_RUN_DIR}/results in $PWD"
mv -f function.json ${TRANSFER_RUN_DIR}/ && mv -f "$qmr_tasks" ${TRANSFER_RUN_DIR}/chunks/ ||
  qmr_fail "function.json or $qmr_tasks was not transferred into the scratch folder $PWD"
# A rerun of the chunk's failed tasks (rerunFailed): its kept result came along.
if [ -f "\${qmr_tasks%.tasks}.result" ]; then
  mkdir -p ${TRANSFER_RUN_DIR}/kept/results && mv -f "\${qmr_tasks%.tasks}.result" ${TRANSFER_RUN_DIR}/kept/results/ ||
    qmr_fail "cannot move the kept result \${qmr_tasks%.tasks}.result into ${TRANSFER_RUN_DIR}/kept/results"
fi
`;
}
