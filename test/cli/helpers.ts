/**
 * Plumbing for the qmr CLI tests: running the built `qmr` binary as a user would, starting maps
 * in child processes (so that their submitting process can stay alive, or be SIGKILLed), and
 * reading a run's journal. The binary and the library come from dist/: build first (npm test
 * does; otherwise `npm run build`).
 */
import { readJournal } from '../../src/resume/journal.js';
import { waitFor as sharedWaitFor } from '../helpers/wait-for.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startsPerLog } from '../helpers/unit-starts.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const QMR = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const CHILD_MAP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sge-map.mjs');

/** Refuses to test a missing or stale build: the tests are about the binary users get. */
export function assertBuilt(): void {
  if (!existsSync(QMR)) throw new Error(`${QMR} is missing: run npm run build first`);
  const built = statSync(QMR).mtimeMs;
  const sources = path.join(ROOT, 'src', 'cli');
  const stale = readdirSync(sources).filter((f) => f.endsWith('.ts') && statSync(path.join(sources, f)).mtimeMs > built);
  if (stale.length > 0) throw new Error(`dist is older than src/cli (${stale.join(', ')}): run npm run build first`);
}

export interface QmrResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `qmr ARGS...` (node dist/src/cli/main.js) and never throws on a nonzero exit. */
export async function qmr(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<QmrResult> {
  const result = await execa(process.execPath, [QMR, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...options.env, FORCE_COLOR: '0' },
    reject: false,
    stripFinalNewline: false,
    stdin: 'ignore',
    timeout: 120_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** `qmr ... --json`, parsed; fails the test with qmr's stderr when the output is not JSON. */
export async function qmrJson<T>(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<T> {
  const r = await qmr([...args, '--json'], options);
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`qmr ${args.join(' ')} --json gave no JSON (exit ${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  }
}

export interface ChildMap {
  child: ChildProcess;
  /** Resolves when the child exits: its exit code and what it printed (one JSON line: results or error). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** A map on the dummy SGE queue in a child node process (see sge-map.mjs for the config). */
export function startSgeMap(config: { workDir: string; statePath: string; jobName: string; tasks: number[] }): ChildMap {
  const child = spawn(process.execPath, [CHILD_MAP, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, QMR_DUMMY_STATE: config.statePath } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      // 'exit' can come before the pipes are drained; 'close' follows once they are.
      child.once('close', () => resolve({ code, signal, stdout, stderr }));
    }),
  );
  return { child, exited };
}

/** The CLI tests start child maps on a loaded machine: a minute, polled every 200 ms. */
export const waitFor = <T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> => sharedWaitFor(probe, what, timeoutMs, 200);

/** The journal's records, read as the library reads them (torn or corrupt lines skipped). */
export async function journal(dir: string): Promise<Array<Record<string, unknown> & { t: string }>> {
  return (await readJournal(path.join(dir, 'journal.jsonl'))) as unknown as Array<Record<string, unknown> & { t: string }>;
}

/** How many times each chunk started, from the "started as job" lines of its stderr log. */
export async function starts(dir: string, chunk: number): Promise<number> {
  const name = `chunk-${String(chunk).padStart(6, '0')}.err`;
  return (await startsPerLog(dir, new RegExp(`^${name}$`)))[name] ?? 0;
}
