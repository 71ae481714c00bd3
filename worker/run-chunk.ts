/**
 * Runs one chunk on a worker node: loads fn, runs each task in order (awaiting async ones),
 * records each task's value or error, and writes the result file atomically. One failing task
 * does not stop the others.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import path from 'node:path';
import { compileFunction, constants as vmConstants } from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHUNK_FILE_VERSION, type ChunkResultFile, type ChunkTasksFile, type RemoteErrorRecord } from '../src/protocol/chunk-files.js';
import { decode } from '../src/protocol/codec.js';
import type { FunctionFile, FunctionOrigin, FunctionSpec } from '../src/protocol/function-file.js';
import { encodeResult } from './encode-result.js';
import { failedPositions, readKeptResult } from '../src/protocol/kept-result.js';
import { WORKER_PROVIDED_NAMES } from '../src/protocol/worker-names.js';
import { WorkDirLayout, writeFileAtomic } from '../src/protocol/work-dir-layout.js';

type TaskFunction = (task: unknown) => unknown;

export interface ChunkRunSummary {
  tasks: number;
  failed: number;
  seconds: number;
}

export async function runChunk(runDir: string, chunk: number, jobId: string): Promise<ChunkRunSummary> {
  const layout = new WorkDirLayout(runDir);
  const startedAt = new Date();
  // Measured around the chunk (loading fn included) so the trace shows what the job itself used.
  const cpuBefore = process.cpuUsage();
  const host = hostname();
  const input = decode(await readFile(layout.chunkFile(chunk))) as ChunkTasksFile;
  if (input.version !== CHUNK_FILE_VERSION || input.chunk !== chunk) {
    throw new Error(`${layout.chunkFile(chunk)} is not the task file of chunk ${chunk}`);
  }
  log(`chunk ${chunk} (tasks ${describeRange(input.firstTask, input.tasks.length)}) started as job ${jobId} on ${host}, pid ${process.pid}, node ${process.version}`);

  // A rerun of the chunk's failed tasks (rerunFailed): the kept successes stand, only the rest run.
  const kept = await keptResultOf(runDir, chunk, input.tasks.length);
  const values: unknown[] = kept ? [...kept.values] : new Array(input.tasks.length).fill(null);
  const positions = kept ? failedPositions(kept) : input.tasks.map((_, i) => i);
  if (kept) log(`chunk ${chunk}: rerunning its ${positions.length} failed task(s) at positions ${positions.join(',')}; the ${input.tasks.length - positions.length} others' results are kept`);
  for (const i of positions) values[i] = null;
  const failures: Array<[number, RemoteErrorRecord]> = [];
  let fn: TaskFunction | undefined;
  try {
    fn = await loadFunctionOnce(layout);
  } catch (error) {
    // Every task fails with the same reason; a resubmission would fail the same way.
    const record = errorRecord(error, 'loading fn on the worker node');
    positions.forEach((i) => failures.push([i, record]));
  }
  if (fn) {
    for (const i of positions) {
      try {
        const value = fn(input.tasks[i]);
        // Await only what needs it: a microtask per task is most of the time of trivial tasks.
        values[i] = isThenable(value) ? await value : value;
      } catch (error) {
        failures.push([i, errorRecord(error)]);
      }
    }
  }

  const result: ChunkResultFile = {
    version: CHUNK_FILE_VERSION,
    chunk,
    jobId,
    host,
    pid: process.pid,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ...measuredUsage(cpuBefore),
    values,
    failures,
  };
  await writeFileAtomic(layout.resultFile(chunk), encodeResult(result, input.firstTask, positions));
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  log(`chunk ${chunk} finished: ${positions.length} tasks${kept ? ' rerun' : ''}, ${failures.length} failed, ${seconds.toFixed(2)} s`);
  return { tasks: positions.length, failed: failures.length, seconds };
}

/** The chunk's kept result, when its failed tasks are being rerun; an unreadable one means run every task. */
async function keptResultOf(runDir: string, chunk: number, tasks: number): Promise<ChunkResultFile | undefined> {
  try {
    return await readKeptResult(runDir, chunk, tasks);
  } catch (error) {
    log(`chunk ${chunk}: its kept result cannot be read (${(error as Error).message}); running all its tasks`);
    return undefined;
  }
}

/** CPU time since `before`, and the process's peak RSS (which covers node's own start-up too). */
function measuredUsage(before: NodeJS.CpuUsage): { cpuSeconds: number; peakRssKb: number } {
  const used = process.cpuUsage(before);
  return { cpuSeconds: (used.user + used.system) / 1e6, peakRssKb: process.resourceUsage().maxRSS };
}

/**
 * fn is loaded once per process and run: a worker that runs chunk after chunk (the local flavor's
 * servers, elastic workers claiming unit after unit) pays for reading and compiling it once.
 */
const loaded = new Map<string, Promise<TaskFunction>>();

function loadFunctionOnce(layout: WorkDirLayout): Promise<TaskFunction> {
  let fn = loaded.get(layout.root);
  if (!fn) {
    fn = loadFunction(layout);
    loaded.set(layout.root, fn);
  }
  return fn;
}

async function loadFunction(layout: WorkDirLayout): Promise<TaskFunction> {
  const file = decode(await readFile(layout.functionFile)) as FunctionFile;
  return instantiate(file.fn);
}

async function instantiate(spec: FunctionSpec): Promise<TaskFunction> {
  if (spec.kind === 'module') {
    const loaded = (await import(transferredModule(spec.module))) as Record<string, unknown>;
    const fn = loaded[spec.exportName];
    if (typeof fn !== 'function') throw new Error(`${spec.module} has no exported function "${spec.exportName}"`);
    return fn as TaskFunction;
  }
  // The function was written as ESM (strict) code. Besides Node's globals it gets only the names
  // of WORKER_PROVIDED_NAMES (the submitting side checked this): require, esbuild's __name
  // helper, and Vite's stand-in for import().
  const require = createRequire(path.join(process.cwd(), 'qmr-shipped-function.js'));
  const keepName = <F>(f: F): F => f;
  const dynamicImport = (specifier: string) => import(specifier);
  const factory = compileShipped(spec.source, spec.origin);
  const fn = factory(require, keepName, dynamicImport);
  if (typeof fn !== 'function') throw new Error('the shipped source did not evaluate to a function');
  return fn as TaskFunction;
}

/**
 * The shipped source as a factory of fn. With its origin (where the user wrote it) it is compiled
 * as if it stood there: the user's file name, its first line padded to its column and the lines
 * offset to its line, so a task's stack points at the user's file and line.
 */
function compileShipped(source: string, origin: FunctionOrigin | undefined): (...provided: unknown[]) => unknown {
  // function.json is data from disk: an origin that is not whole numbers is no origin.
  const usable = origin && typeof origin.url === 'string' && Number.isInteger(origin.line) && Number.isInteger(origin.column) && origin.column >= 1;
  // import() in compiled code needs a loader: Node's own (20.x with vm.constants; older ones only
  // behind --experimental-vm-modules, so they keep the eval, and its stack, as before).
  const loader = (vmConstants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (!usable || origin.line < 2 || loader === undefined) {
    // Unknown, or on a file's first line (no line above it for the prefix): an anonymous eval, as before.
    return new Function(...WORKER_PROVIDED_NAMES, `"use strict";\nreturn (${source}\n);`) as (...provided: unknown[]) => unknown;
  }
  const code = `"use strict"; return (\n${' '.repeat(origin.column - 1)}${source}\n);`;
  return compileFunction(code, [...WORKER_PROVIDED_NAMES], {
    filename: origin.url,
    lineOffset: origin.line - 2,
    // import() in the source resolves from the user's file, where it was written.
    importModuleDynamically: loader as never,
  }) as (...provided: unknown[]) => unknown;
}

/**
 * Under HTCondor file transfer (job.sh sets QMR_FILE_TRANSFER) the module's file was sent along
 * and sits, by its name, in the job's scratch folder (the current directory): import that copy,
 * since the submit side's path does not exist here. Package names are imported as they are.
 */
function transferredModule(specifier: string): string {
  if (!process.env.QMR_FILE_TRANSFER || !specifier.startsWith('file:')) return specifier;
  return pathToFileURL(path.resolve(path.basename(fileURLToPath(specifier)))).href;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

export function errorRecord(thrown: unknown, during?: string): RemoteErrorRecord {
  if (thrown instanceof Error) {
    const props: Record<string, unknown> = {};
    for (const key of Object.keys(thrown)) {
      if (key === 'name' || key === 'message' || key === 'stack') continue;
      // A getter that throws must not cost the chunk its other results.
      const value = readSafely(() => (thrown as unknown as Record<string, unknown>)[key]);
      props[key] = value instanceof Error ? errorRecord(value) : value;
    }
    const cause = readSafely(() => thrown.cause);
    if (cause !== undefined && !('cause' in props)) {
      props.cause = cause instanceof Error ? errorRecord(cause) : cause;
    }
    const prefix = during ? `${during}: ` : '';
    // name, message and stack are text in the record whatever the task put there.
    const record: RemoteErrorRecord = { name: textOf(readSafely(() => thrown.name)), message: prefix + textOf(readSafely(() => thrown.message)) };
    const stack = readSafely(() => thrown.stack);
    if (stack !== undefined) record.stack = textOf(stack);
    if (Object.keys(props).length > 0) record.props = props;
    return record;
  }
  return { name: 'NonErrorThrown', message: `${during ? `${during}: ` : ''}a non-Error value was thrown: ${safeString(thrown)}`, props: { thrown: safeString(thrown) } };
}

function readSafely(read: () => unknown): unknown {
  try {
    return read();
  } catch (error) {
    return `(reading it threw: ${error instanceof Error ? safeString(error.message) : safeString(error)})`;
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : safeString(value);
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}

function describeRange(first: number, count: number): string {
  return count === 1 ? `${first}` : `${first}-${first + count - 1}`;
}

export function log(message: string): void {
  process.stderr.write(`[qmr ${new Date().toISOString()}] ${message}\n`);
}
