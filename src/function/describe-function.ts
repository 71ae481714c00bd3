/**
 * What the worker needs to find `fn`: its source text (a self-contained function, shipped with
 * serialize-javascript) or a module and export name. Checked here, before anything is submitted,
 * so that a function that cannot work on a worker node fails on the user's screen, not in a log.
 */
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import findGlobals from 'acorn-globals';
import serialize from 'serialize-javascript';
import { FunctionShippingError, OptionError } from '../errors.js';
import { functionOrigin } from './function-origin.js';
import type { FunctionSpec } from '../protocol/function-file.js';
import { WORKER_PROVIDED_NAMES } from '../protocol/worker-names.js';

/** A function to map: self-contained (shipped by source) or `{ module, export }`. */
export type MapFunction<T, R> = ((task: T) => R | Promise<R>) | ModuleFunction;

export interface ModuleFunction {
  /** A path (relative to the current directory), a file URL, or a package name. */
  module: string | URL;
  /** The name of the exported function to call; `default` for the default export. */
  export: string;
}

export { WORKER_PROVIDED_NAMES };

export async function describeFunction(fn: unknown, cwd: string): Promise<FunctionSpec> {
  if (typeof fn === 'function') return describeSourceFunction(fn);
  if (fn !== null && typeof fn === 'object' && 'module' in fn && 'export' in fn) {
    return describeModuleFunction(fn as ModuleFunction, cwd);
  }
  throw new OptionError('fn', fn, 'a self-contained function or { module, export }');
}

function describeSourceFunction(fn: Function): FunctionSpec {
  let source: string;
  try {
    source = serialize(fn);
  } catch (error) {
    throw new FunctionShippingError(
      `fn cannot be shipped to the worker nodes: ${(error as Error).message}. Native and bound functions ` +
        'have no source text to send. Wrap the call in a function of your own, e.g. (x) => Math.sqrt(x), ' +
        'or use { module, export }.',
    );
  }
  if (/^class\b/.test(source)) {
    throw new FunctionShippingError('fn is a class; pass a function (or { module, export }) instead.');
  }
  let outer: string[];
  try {
    outer = findGlobals(`(${source}\n)`)
      .map((ref) => ref.name)
      .filter((name) => !isWorkerGlobal(name));
  } catch (error) {
    throw new FunctionShippingError(
      `fn cannot be shipped to the worker nodes: its source text does not parse on its own ` +
        `(${(error as Error).message}). Use { module, export } instead.\nSource: ${source.slice(0, 200)}`,
    );
  }
  if (outer.length > 0) throw closureError(outer);
  const origin = functionOrigin(fn, source);
  return { kind: 'source', source, name: fn.name, ...(origin ? { origin } : {}) };
}

function closureError(names: string[]): FunctionShippingError {
  const listed = names.map((n) => `\`${n}\``).join(', ');
  return new FunctionShippingError(
    `fn reads ${listed} from its enclosing scope, which a worker node does not have.\n` +
      'A function passed to pool.map is sent as its source text and run in a fresh Node process on a ' +
      'worker node, so variables and imports around it are not there. Two remedies:\n' +
      '  1. pass the values in the tasks, e.g. pool.map(({ x, scale }) => x * scale, xs.map((x) => ({ x, scale })));\n' +
      "  2. put the function in a module and pass { module: new URL('./work.js', import.meta.url).href, export: 'work' };\n" +
      '     a module can import whatever it needs.\n' +
      "(Inside a shipped function, `await import('node:fs')` and `require(...)` do work.)",
  );
}

let workerGlobals: Set<string> | undefined;
function isWorkerGlobal(name: string): boolean {
  // The worker runs the same Node as this process by default, so its globals are ours.
  workerGlobals ??= new Set([
    ...Object.getOwnPropertyNames(globalThis),
    ...WORKER_PROVIDED_NAMES,
    'arguments',
  ]);
  return workerGlobals.has(name);
}

async function describeModuleFunction(fn: ModuleFunction, cwd: string): Promise<FunctionSpec> {
  if (typeof fn.export !== 'string' || fn.export === '') {
    throw new OptionError('fn.export', fn.export, 'the name of an exported function, e.g. "analyse" or "default"');
  }
  const url = await resolveModule(fn.module, cwd);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new FunctionShippingError(`fn.module ${url} cannot be imported: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const exported = loaded[fn.export];
  if (typeof exported !== 'function') {
    const names = Object.keys(loaded).filter((k) => typeof loaded[k] === 'function');
    throw new FunctionShippingError(
      `fn.module ${url} has no exported function named "${fn.export}" ` +
        `(it ${exported === undefined ? 'has no such export' : `exports a ${typeof exported}`}). ` +
        `Exported functions: ${names.length ? names.join(', ') : 'none'}.`,
    );
  }
  return { kind: 'module', module: url, exportName: fn.export };
}

/**
 * Turns the module reference into an absolute file URL here, so the worker imports exactly this
 * file whatever its own directory (the work dir is on a shared file system).
 */
async function resolveModule(module: string | URL, cwd: string): Promise<string> {
  const text = module instanceof URL ? module.href : module;
  if (typeof text !== 'string' || text === '') {
    throw new OptionError('fn.module', module, 'a path, a file URL or a package name');
  }
  if (text.startsWith('file:') || text.startsWith('/') || text.startsWith('.') || path.isAbsolute(text)) {
    const file = text.startsWith('file:') ? fileURLToPath(text) : path.resolve(cwd, text);
    try {
      await access(file);
    } catch {
      throw new FunctionShippingError(
        `fn.module ${text} does not exist (looked for ${file}). Relative paths are taken from the ` +
          "current directory; new URL('./work.js', import.meta.url).href names a file next to your script.",
      );
    }
    return pathToFileURL(file).href;
  }
  if (text.startsWith('node:') || /^[a-z]+:/.test(text)) return text;
  try {
    return pathToFileURL(createRequire(path.join(cwd, 'package.json')).resolve(text)).href;
  } catch {
    try {
      // ESM-only packages have no "require" condition; resolve them as an import would.
      return import.meta.resolve(text);
    } catch {
      throw new FunctionShippingError(
        `fn.module "${text}" is not a package that can be found from ${cwd}. Install it, or give a path.`,
      );
    }
  }
}
