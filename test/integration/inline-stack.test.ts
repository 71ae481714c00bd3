/**
 * A task that throws inside a function shipped by its source text: its stack points at the file
 * and line where the user wrote the function, as a module function's does (it pointed at
 * `eval at instantiate (…run-chunk.js:139:21), <anonymous>:4:41`). The map runs in a plain node
 * process, so the file on disk is the code that ran (vitest would transform a test file's own).
 */
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/tmp.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let folder: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  folder = await temporaryFolder('qmr-inline-stack-');
});
afterAll(async () => folder?.cleanup());

const script = (index: string) => `import { Pool } from ${JSON.stringify(index)};
const stacks = {};
for (const elastic of [false, true]) {
  const pool = new Pool({ keepWorkDir: 'never', progress: false, ...(elastic ? {} : { elastic: false, chunkSize: 1 }) });
  const error = await pool.map(async (x) => {
    if (x === 1) throw new RangeError('inline ' + x);
    const { basename } = await import('node:path'); // import() still works in the compiled source
    return basename('/a/' + x);
  }, [0, 1]).catch((e) => e);
  stacks[elastic ? 'elasticValue' : 'staticValue'] = error.results[0].value;
  stacks[elastic ? 'elastic' : 'static'] = error.failures[0].remote.stack;
}
const methods = { twice(x) { if (x > 0) throw new Error('method ' + x); return 2 * x; } };
stacks.method = (await new Pool({ keepWorkDir: 'never', progress: false }).map(methods.twice, [1]).catch((e) => e)).failures[0].remote.stack;
console.log(JSON.stringify(stacks));
`;

describe('the stack of a task that throws in an inline fn', () => {
  it("points at the caller's file, line and column, for static and elastic maps and for a method", async () => {
    const file = path.join(folder.path, 'inline-map.mjs');
    await writeFile(file, script(path.join(ROOT, 'dist', 'src', 'index.js')));
    const run = await execa(process.execPath, [file], { cwd: folder.path, timeout: 120_000 });
    const stacks = JSON.parse(run.stdout) as Record<'static' | 'elastic' | 'method' | 'staticValue' | 'elasticValue', string>;
    expect([stacks.staticValue, stacks.elasticValue]).toEqual(['0', '0']);
    const url = pathToFileURL(file).href;
    // Where the error is made: its line and the column of `new` (V8's position for the frame).
    const lines = script('').split('\n');
    const at = (marker: string) => {
      const line = lines.findIndex((l) => l.includes(marker));
      return `    at ${url}:${line + 1}:${lines[line]!.indexOf('new', lines[line]!.indexOf(marker)) + 1}`;
    };
    for (const kind of ['static', 'elastic'] as const) {
      expect(stacks[kind].split('\n')[1]).toBe(at("throw new RangeError('inline '"));
      expect(stacks[kind]).not.toMatch(/eval at|<anonymous>/);
    }
    expect(stacks.method.split('\n')[1]).toBe(at("throw new Error('method '"));
  });
});
