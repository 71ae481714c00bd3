import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandResult } from '../../src/queues/queue.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function fixture(flavor: string, name: string): string {
  return readFileSync(path.join(FIXTURES, flavor, name), 'utf8');
}

/** A CommandResult as the queue would see it, from a fixture's stdout (and .stderr if present). */
export function fixtureResult(flavor: string, name: string, exitCode: number, stderrName = `${name}.stderr`): CommandResult {
  const stderrPath = path.join(FIXTURES, flavor, stderrName);
  return {
    command: { file: 'fixture', args: [name] },
    exitCode,
    stdout: fixture(flavor, name),
    stderr: existsSync(stderrPath) ? readFileSync(stderrPath, 'utf8') : '',
    timedOut: false,
  };
}
