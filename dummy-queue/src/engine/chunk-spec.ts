/**
 * The queue-map-reduce chunk convention, as far as the emulator needs it for the `chunk` fault
 * selector: a job carries a chunk list like `0-99,105,107-110` (script argument `--chunks LIST`,
 * or the variable QMR_CHUNKS given at submit, where `+` may stand for the commas because PBS's
 * `qsub -v` splits its list at commas), and element k of an array job (k = array index
 * minus the array's first index) runs the k-th chunk of the list; a job that is not an array
 * runs the first. Finding the list in a job is the emulator's; reading it is the library's own
 * code (src/protocol/chunk-spec.ts), so the two cannot drift apart.
 */
import { chunkAt as libraryChunkAt } from '../../../src/protocol/chunk-spec.js';

/** The chunk list a job carries: `--chunks LIST` / `--chunks=LIST` in its arguments, else QMR_CHUNKS. */
export function findChunkSpec(args: readonly string[], variables: Readonly<Record<string, string>>): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--chunks' && i + 1 < args.length) return validSpec(args[i + 1]!);
    if (arg.startsWith('--chunks=')) return validSpec(arg.slice('--chunks='.length));
  }
  const variable = variables.QMR_CHUNKS;
  return variable === undefined ? null : validSpec(variable);
}

function validSpec(spec: string): string | null {
  const normal = spec.replace(/\+/g, ',');
  return /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(normal) ? normal : null;
}

/** The chunk at position k of the list (the library's reading of it), or null when the list is shorter. */
export function chunkAt(spec: string, k: number): number | null {
  return k < 0 ? null : (libraryChunkAt(spec, k) ?? null);
}
