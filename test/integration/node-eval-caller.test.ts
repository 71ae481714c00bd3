/**
 * A map started from `node -e` (or `--input-type=module -e`, `-p`): the workers must run the
 * worker, not the caller's script again. Each caller start appends its pid to a marker file; a
 * nested start stops there at once, so that the old behaviour fails the test instead of forking
 * without end.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/tmp.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACKAGE = pathToFileURL(path.join(ROOT, 'dist', 'src', 'index.js')).href;

let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder('qmr-eval-');
});
afterAll(async () => folder?.cleanup());

// Not QMR_-prefixed: exportEnv would not give those to the workers, and a nested run must see the marker.
const CALLER = `
const fs = require('node:fs');
const marker = process.env.EVAL_CALLER_MARKER;
fs.appendFileSync(marker, process.pid + '\\n');
if (fs.readFileSync(marker, 'utf8').trim().split('\\n').length > 1) process.exit(0);
import(process.env.EVAL_CALLER_PACKAGE)
  .then(({ Pool }) => new Pool({ workDir: process.env.EVAL_CALLER_WORKDIR, chunkSize: 2, maxResubmissions: 0, progress: false }).map((x) => x * 3, [1, 2, 3, 4, 5]))
  .then((results) => console.log('RESULTS ' + JSON.stringify(results)), (error) => { console.log('FAILED ' + error.message); process.exitCode = 1; });
`;

describe('a map started from node -e on the local flavor', () => {
  it.each([
    ['-e', ['-e', CALLER]],
    ['--input-type=commonjs -e', ['--input-type=commonjs', '--max-old-space-size=256', '-e', CALLER]],
    ['-p', ['-p', `${CALLER}; ''`]],
  ])('%s: right results and no nested run', async (name, args) => {
    const marker = path.join(folder.path, `${name.replace(/\W+/g, '_')}.pids`);
    const { stdout } = await run(process.execPath, args, {
      cwd: folder.path,
      timeout: 120_000,
      env: { ...process.env, EVAL_CALLER_MARKER: marker, EVAL_CALLER_PACKAGE: PACKAGE, EVAL_CALLER_WORKDIR: path.join(folder.path, `${name.replace(/\W+/g, '_')}-run`) },
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    expect(stdout).toContain('RESULTS [3,6,9,12,15]');
    expect((await readFile(marker, 'utf8')).trim().split('\n')).toHaveLength(1);
  }, 150_000);
});
