/**
 * Shared test plumbing: a fresh emulated cluster in a temporary directory, a way to run the real
 * shims in dummy-queue/bin, and polling. The shims run the compiled emulator, so the tests need
 * `npx tsc -p tsconfig.json` first (npm test does it).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DummyQueue, type Flavor, type Settings } from '../../dummy-queue/src/control.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO, 'test', 'fixtures');

export function assertBuilt(): void {
  if (!existsSync(DummyQueue.compiledEntry())) {
    throw new Error(`the emulator is not compiled (${DummyQueue.compiledEntry()} missing): run npx tsc -p tsconfig.json`);
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Cluster {
  queue: DummyQueue;
  dir: string;
  /** Runs `dummy-queue/bin/<flavor>/<command> args...` against this cluster, in `dir`. */
  run(flavor: Flavor, command: string, args?: readonly string[], options?: RunOptions): Promise<RunResult>;
  dummyq(args: readonly string[]): Promise<RunResult>;
  /** Kills the dispatcher and jobs, removes the directory. */
  dispose(): Promise<void>;
}

export interface RunOptions {
  input?: string;
  cwd?: string;
  env?: Record<string, string>;
}

export function runProgram(program: string, args: readonly string[], env: NodeJS.ProcessEnv, options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: options.cwd, env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
    child.stdin.end(options.input ?? '');
  });
}

export async function makeCluster(settings: Partial<Settings> = {}): Promise<Cluster> {
  assertBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'dummyq-test-'));
  const queue = await DummyQueue.create(dir, { idleExit: 2, ...settings });
  const env = { ...process.env, ...queue.env() };
  return {
    queue,
    dir,
    run: (flavor, command, args = [], options = {}) =>
      runProgram(join(queue.binDir(flavor), command), args, env, { cwd: dir, ...options }),
    dummyq: (args) => runProgram(join(queue.binDir('sge'), '..', 'dummyq'), args, env, { cwd: dir }),
    async dispose() {
      await queue.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { waitFor } from '../helpers/wait-for.js';

export async function fixture(flavor: string, name: string): Promise<string> {
  return readFile(join(FIXTURES, flavor, name), 'utf8');
}

/** Exit code a fixture's command had, from the copied INDEX.tsv of the SGE fixtures. */
export async function sgeFixtureExitCode(name: string): Promise<number> {
  const index = await fixture('sge', 'INDEX.tsv');
  const row = index.split('\n').find((line) => line.split('\t')[0] === name);
  if (!row) throw new Error(`${name} is not in INDEX.tsv`);
  return Number(row.split('\t')[1]);
}

/** A job script that records its environment and arguments, then sleeps. */
export function recordingScript(sleepSeconds = 0): string {
  return `#!/bin/sh
tag=\${1:-x}
env | sort > "$PWD/env.$tag"
echo "ran $tag in $PWD with $*"
${sleepSeconds > 0 ? `sleep ${sleepSeconds}` : ''}
`;
}
