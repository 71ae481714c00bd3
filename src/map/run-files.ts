/**
 * The files a map writes before its first submission: function.json (what the workers run),
 * job.sh (and worker.sh for elastic maps: the caller's environment restored on the node) and
 * run.json (what `qmr` shows about the run).
 */
import { CHUNK_FILE_VERSION } from '../protocol/chunk-files.js';
import type { FunctionFile, FunctionSpec } from '../protocol/function-file.js';
import type { ChunkPlan } from './chunking.js';
import { encode } from '../protocol/codec.js';
import { ElasticLayout } from '../protocol/elastic/layout.js';
import type { ElasticPlan } from '../elastic/plan.js';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJobScript, TRANSFER_MODULE_DIR, TRANSFER_WORKER_DIR } from '../protocol/job-script.js';
import { captureEnvironment } from '../queues/job-environment.js';
import type { ResolvedOptions } from '../options.js';
import type { Queue } from '../queues/queue.js';
import { runRecord, writeRunRecord } from '../resume/run-json.js';
import { writeFileAtomic } from '../protocol/work-dir-layout.js';
import { exists, type WorkDir } from '../work-dir/work-dir.js';
import { writeWorkerBundle } from '../worker-launch/worker-bundle.js';
import { workerProgramPath } from '../worker-launch/worker-path.js';

export interface RunFilesInput {
  fnSpec: FunctionSpec;
  /** Keep the job.sh the first run wrote (qmr resume has no environment of the user's to write). */
  keepJobScript: boolean;
  options: ResolvedOptions;
  queue: Queue;
  plan: ChunkPlan;
  elasticPlan: ElasticPlan | undefined;
  startedAt: number;
  cwd: string;
  tasks: number | undefined;
}

export async function writeRunFiles(dir: WorkDir, input: RunFilesInput): Promise<void> {
  const { options } = input;
  const functionFile: FunctionFile = { version: CHUNK_FILE_VERSION, fn: input.fnSpec };
  await writeFileAtomic(dir.functionFile, encode(functionFile));
  if (options.fileTransfer) await writeTransferredFiles(dir, input.fnSpec);
  if (input.keepJobScript && (await exists(dir.jobScript))) return;
  const scriptInput = {
    runId: dir.runId,
    layout: dir,
    environment: captureEnvironment(process.env, options.exportEnv),
    envScript: options.envScript,
    env: options.env,
    workingDir: options.workingDir,
    executable: options.executable,
    workerProgram: workerProgramPath(),
    convention: input.queue.convention,
    fileTransfer: options.fileTransfer !== undefined,
  };
  // 0700: the scripts hold the caller's environment (tokens, keys) and must be executable.
  await writeFileAtomic(dir.jobScript, renderJobScript(scriptInput), 0o700);
  if (input.elasticPlan) await writeFileAtomic(new ElasticLayout(dir.root).workerScript, renderJobScript({ ...scriptInput, mode: 'claim' }), 0o700);
  await writeRunRecord(
    dir,
    runRecord({
      runId: dir.runId,
      startedAt: input.startedAt,
      flavor: input.queue.flavor,
      cwd: input.cwd,
      tasks: input.tasks,
      plan: input.plan,
      elasticPlan: input.elasticPlan,
      fn: input.fnSpec,
      options,
    }),
  );
}

/**
 * HTCondor file transfer: the jobs carry the worker program (qmr-worker) and a module function's
 * file (in qmr-module, whose contents land beside job.sh; empty for a shipped source), since the
 * execute machines see none of this machine's files. Kept as they are on resume.
 */
async function writeTransferredFiles(dir: WorkDir, fnSpec: FunctionSpec): Promise<void> {
  const workerDir = path.join(dir.root, TRANSFER_WORKER_DIR);
  if (!(await exists(workerDir))) await writeWorkerBundle(workerDir);
  const moduleDir = path.join(dir.root, TRANSFER_MODULE_DIR);
  await mkdir(moduleDir, { recursive: true, mode: 0o700 });
  if (fnSpec.kind === 'module' && fnSpec.module.startsWith('file:')) {
    const file = fileURLToPath(fnSpec.module);
    await copyFile(file, path.join(moduleDir, path.basename(file)));
  }
}
