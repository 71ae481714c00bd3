/**
 * The worker program as a folder a job can carry (HTCondor file transfer, where the execute
 * machine sees nothing of this machine's files): dist/worker/main.js and every module it imports,
 * found by following its relative imports (the worker imports nothing but Node's own modules
 * besides them), under the same relative paths, with a package.json that makes them ES modules.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { workerProgramPath } from './worker-path.js';

/** Relative import specifiers of a compiled module: `from './x.js'`, `import('../y.js')`, `import './z.js'`. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The worker's files, relative to the folder that holds worker/ and src/ (dist/). */
export async function workerBundleFiles(main = workerProgramPath()): Promise<{ root: string; files: string[] }> {
  const root = path.dirname(path.dirname(main));
  const seen = new Set<string>();
  const pending = [main];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(RELATIVE_IMPORT)) pending.push(path.resolve(path.dirname(file), match[1]!));
  }
  const files = [...seen].map((file) => path.relative(root, file)).sort();
  const outside = files.find((file) => file.startsWith('..'));
  if (outside) throw new Error(`the worker imports ${outside}, outside ${root}: it cannot be bundled for file transfer`);
  return { root, files };
}

/** Copies the worker into `folder` (made here): `folder/worker/main.js` is the program to run. */
export async function writeWorkerBundle(folder: string): Promise<void> {
  const { root, files } = await workerBundleFiles();
  for (const file of files) {
    await mkdir(path.join(folder, path.dirname(file)), { recursive: true, mode: 0o700 });
    await copyFile(path.join(root, file), path.join(folder, file));
  }
  // Without it, Node would take the .js files for CommonJS (no package.json above them there).
  await writeFile(path.join(folder, 'package.json'), '{ "type": "module", "private": true }\n', { mode: 0o600 });
}
