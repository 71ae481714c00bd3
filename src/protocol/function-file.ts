/**
 * function.json: how the worker finds `fn`, as the submitting side wrote it (describe-function.ts
 * describes and checks fn; function-origin.ts finds where its source was written). Types only:
 * the worker reads this file without loading the submitting side's parser.
 */
import type { CHUNK_FILE_VERSION } from './chunk-files.js';

/** 1-based, where the shipped source's first character stands in the file. */
export interface FunctionOrigin {
  url: string;
  line: number;
  column: number;
}

export type FunctionSpec =
  /** origin: where the source was written, so that the worker's stacks point there (absent when unknown, and in older runs). */
  | { kind: 'source'; source: string; name: string; origin?: FunctionOrigin }
  | { kind: 'module'; module: string; exportName: string };

export interface FunctionFile {
  version: typeof CHUNK_FILE_VERSION;
  fn: FunctionSpec;
}
