/**
 * A local map in a child node process, so that a test can hold a work dir from another process
 * (alive, or SIGKILLed) or run a map as another user. The library comes from dist/ (build first).
 * The child (child-map-main.mjs) prints one JSON line: { results } or { error: { name, message } }.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHILD = path.join(ROOT, 'test', 'helpers', 'child-map-main.mjs');

export interface ChildMapConfig {
  /** The function's source text, e.g. '(x) => x * 2'. */
  fn: string;
  tasks: unknown[];
  options: Record<string, unknown>;
  /** Run as this user (root only: through runuser). */
  user?: string;
  /** A shell umask for the child, e.g. '002'. */
  umask?: string;
  cwd?: string;
  /** A command that runs the child, e.g. ['unshare', '--pid', '--fork', '--mount-proc'] (root only). */
  wrapper?: string[];
  /** The child script to run, when not this checkout's (e.g. a copy installed where `wrapper` can reach it). */
  script?: string;
}

export interface ChildMapRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: { results?: unknown[]; error?: { name: string; message: string } } | undefined; stderr: string }>;
}

/**
 * The child script as `user` can run it: this checkout's own when that user can read it, else a
 * copy of what the child loads (dist, node_modules, the script) in a folder anyone can reach, made
 * once: a checkout under a private folder (a `mktemp -d` clone, /root) is closed to other users.
 */
const childFor = new Map<string, string>();
function childScriptFor(user: string): string {
  let script = childFor.get(user);
  if (script) return script;
  try {
    execFileSync('runuser', ['-u', user, '--', 'test', '-r', CHILD], { stdio: 'ignore' });
    script = CHILD;
  } catch {
    const copy = mkdtempSync(path.join(tmpdir(), 'qmr-child-map-'));
    execFileSync('chmod', ['755', copy]);
    for (const part of ['package.json', 'dist', 'node_modules', 'test/helpers/child-map-main.mjs']) {
      cpSync(path.join(ROOT, part), path.join(copy, part), { recursive: true });
    }
    script = path.join(copy, 'test', 'helpers', 'child-map-main.mjs');
  }
  childFor.set(user, script);
  return script;
}

export function startChildMap(config: ChildMapConfig): ChildMapRun {
  const node = [process.execPath, config.script ?? (config.user ? childScriptFor(config.user) : CHILD)];
  let argv = config.user ? ['runuser', '-u', config.user, '--', ...node] : node;
  if (config.umask) argv = ['/bin/sh', '-c', `umask ${config.umask} && exec "$@"`, 'sh', ...argv];
  if (config.wrapper) argv = [...config.wrapper, ...argv];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: config.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, QMR_TEST_CHILD_MAP: JSON.stringify({ fn: config.fn, tasks: config.tasks, options: config.options }) },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Awaited<ChildMapRun['exited']>>((resolve) =>
    child.once('close', (code, signal) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      let output;
      try {
        output = JSON.parse(line) as { results?: unknown[] };
      } catch {
        output = undefined;
      }
      resolve({ code, signal, output, stderr });
    }),
  );
  return { child, exited };
}
