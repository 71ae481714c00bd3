/**
 * functionOrigin in a node that cannot load node:inspector: the built module (dist/) runs in a
 * child node that refuses the inspector, and still loads and answers "no origin".
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/tmp.js';

const distOrigin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src/function/function-origin.js');

let folder: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  folder = await temporaryFolder('qmr-origin-');
});
afterEach(async () => folder?.cleanup());

describe('functionOrigin', () => {
  it('loads, and gives no origin, in a node without the inspector (node:inspector cannot be loaded)', async () => {
    // Stands in for a node built without the inspector: neither require nor import can load it.
    const noInspector = path.join(folder.path, 'no-inspector.cjs');
    await writeFile(
      noInspector,
      `const Module = require('node:module');
const refuse = (name) => name === 'node:inspector' || name === 'inspector';
const load = Module._load;
Module._load = function (request, ...rest) {
  if (refuse(request)) throw new Error('no inspector in this node');
  return load.call(this, request, ...rest);
};
Module.register('data:text/javascript,' + encodeURIComponent(
  "export async function resolve(s, c, next) { if (s === 'node:inspector' || s === 'inspector') throw new Error('no inspector in this node'); return next(s, c); }"));
`,
    );
    const script = path.join(folder.path, 'use.mjs');
    await writeFile(
      script,
      `const { functionOrigin } = await import(${JSON.stringify(pathToFileURL(distOrigin).href)});
const fn = (x) => x + 1;
process.stdout.write(JSON.stringify({ origin: functionOrigin(fn, fn.toString()) ?? null }));
`,
    );
    const out = execFileSync(process.execPath, ['--no-warnings', '-r', noInspector, script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ origin: null });
  });
});
