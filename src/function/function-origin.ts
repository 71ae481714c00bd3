/**
 * Where a function shipped by its source text was written: the file and the line and column its
 * source begins at. The worker compiles the source as if it stood there, so a task that throws
 * has a stack that points at the user's own file and line (as a module function's does), not at
 * `eval at instantiate (…run-chunk.js), <anonymous>:4:41`.
 *
 * V8 knows every function's location; the inspector protocol tells it ([[FunctionLocation]]),
 * synchronously, in this process. That location is where V8 starts parsing the function (the
 * parameter list, or `async`), not always where its source text begins, so the text is looked up
 * in the file around it. Anything that does not work out leaves the function without an origin,
 * and its stack as it was.
 *
 * node:inspector is loaded when first needed, not imported: a node built without the inspector
 * must still load the library. The lookup costs tens to hundreds of milliseconds the first time,
 * so each function's origin is kept (a map of the same fn again does not pay again).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FunctionOrigin } from '../protocol/function-file.js';

type Inspector = typeof import('node:inspector');


const origins = new WeakMap<Function, { shipped: string; origin: FunctionOrigin | undefined }>();
let lookups = 0;

/** How many origins were looked up (not taken from the cache) in this process: for tests. */
export function functionOriginLookups(): number {
  return lookups;
}

/** `shipped`: the source text that goes to the worker (serialize-javascript's, which may differ from fn.toString() at its start). */
export function functionOrigin(fn: Function, shipped: string): FunctionOrigin | undefined {
  const cached = origins.get(fn);
  if (cached?.shipped === shipped) return cached.origin;
  lookups += 1;
  const origin = lookUpOrigin(fn, shipped);
  origins.set(fn, { shipped, origin });
  return origin;
}

function lookUpOrigin(fn: Function, shipped: string): FunctionOrigin | undefined {
  try {
    const location = inspectorLocation(fn);
    if (!location || !location.url.startsWith('file:')) return undefined;
    const text = readFileSync(fileURLToPath(location.url), 'utf8');
    const own = fn.toString();
    const start = sourceStart(text, own, offsetOf(text, location.line, location.column));
    if (start === undefined) return undefined;
    const { line, column } = lineAndColumn(text, start);
    // The shipped text may begin differently ('function(x)' for a method 'm(x)'); its first line
    // ends where the function's own first line does, and the lines after it are the same.
    const firstLine = (s: string) => s.split('\n', 1)[0]!.length;
    return { url: location.url, line, column: Math.max(1, column + firstLine(own) - firstLine(shipped)) };
  } catch {
    return undefined; // no inspector (a node built without it), an unreadable file: no origin
  }
}

interface Location {
  url: string;
  /** 0-based, as the inspector gives them. */
  line: number;
  column: number;
}

let inspector: Inspector | undefined;

/** node:inspector, loaded on first use; throws where node was built without it. */
function loadInspector(): Inspector {
  inspector ??= createRequire(import.meta.url)('node:inspector') as Inspector;
  return inspector;
}

function inspectorLocation(fn: Function): Location | undefined {
  const session = new (loadInspector().Session)();
  session.connect();
  const key = `__qmrFunctionOrigin${process.pid}`;
  const holder = globalThis as Record<string, unknown>;
  try {
    holder[key] = fn;
    // Session.post answers synchronously: each callback has run when post returns.
    let objectId: string | undefined;
    session.post('Runtime.evaluate', { expression: `globalThis.${key}` }, (error, result) => {
      if (!error) objectId = result.result.objectId;
    });
    if (objectId === undefined) return undefined;
    let at: { scriptId: string; lineNumber: number; columnNumber: number } | undefined;
    session.post('Runtime.getProperties', { objectId, ownProperties: true }, (error, result) => {
      const internal = error ? undefined : result.internalProperties?.find((p) => p.name === '[[FunctionLocation]]');
      at = internal?.value?.value as typeof at;
    });
    if (!at) return undefined;
    // The script's URL: enabling the debugger announces every script parsed so far.
    let url: string | undefined;
    session.on('Debugger.scriptParsed', (message) => {
      if (message.params.scriptId === at!.scriptId) url = message.params.url;
    });
    session.post('Debugger.enable');
    session.post('Debugger.disable');
    return url ? { url, line: at.lineNumber, column: at.columnNumber } : undefined;
  } finally {
    delete holder[key];
    session.disconnect();
  }
}

/** The start of the occurrence of `source` in `text` that spans `at`, or undefined. */
function sourceStart(text: string, source: string, at: number): number | undefined {
  for (let i = text.indexOf(source); i >= 0; i = text.indexOf(source, i + 1)) {
    if (i <= at && at < i + source.length) return i;
    if (i > at) break;
  }
  return undefined;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
