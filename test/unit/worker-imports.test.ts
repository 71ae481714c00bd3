/**
 * The boundary between the worker and the rest of the library: the worker on the node runs
 * worker/ and src/protocol/ (the work dir's files and what both sides write in them), nothing
 * else of src/. These tests read the import lines, so a change that makes the worker load a
 * submitting-side module (a scheduler flavor, the option resolver, acorn) fails here, not on a
 * node or in the HTCondor bundle (worker-bundle.ts), which carries only the worker's own files
 * and so holds no npm package either.
 */
import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const protocol = path.join(repo, 'src', 'protocol');

/** Every .ts file under `folder`, recursively. */
async function tsFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await tsFiles(full)));
    else if (entry.name.endsWith('.ts')) files.push(full);
  }
  return files;
}

/** The module specifiers a file imports or re-exports, type-only ones and import() included. */
async function importsOf(file: string): Promise<string[]> {
  const info = ts.preProcessFile(await readFile(file, 'utf8'), true, true);
  return info.importedFiles.map((imported) => imported.fileName);
}

/** What a specifier names: a file of this repo (absolute .ts path), or a builtin, or a package. */
function target(file: string, specifier: string): { repoFile: string } | { builtin: string } | { packageName: string } {
  if (specifier.startsWith('.')) return { repoFile: path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts') };
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return { builtin: specifier };
  return { packageName: specifier };
}

const inside = (file: string, folder: string) => !path.relative(folder, file).startsWith('..');
const shown = (file: string) => path.relative(repo, file);

describe('what the worker imports', () => {
  it('takes nothing from src/ outside src/protocol/', async () => {
    const files = await tsFiles(path.join(repo, 'worker'));
    expect(files.length).toBeGreaterThan(3);
    const outside: string[] = [];
    let fromProtocol = 0;
    for (const file of files) {
      for (const specifier of await importsOf(file)) {
        const t = target(file, specifier);
        if (!('repoFile' in t) || inside(t.repoFile, path.join(repo, 'worker'))) continue;
        if (inside(t.repoFile, protocol)) fromProtocol += 1;
        else outside.push(`${shown(file)} imports ${shown(t.repoFile)}`);
      }
    }
    expect(outside).toEqual([]);
    // The check looked at real imports: the worker reads chunk files, results and claims from there.
    expect(fromProtocol).toBeGreaterThan(5);
  });

  it('takes no npm package: the HTCondor bundle carries no node_modules', async () => {
    const packages: string[] = [];
    for (const file of await tsFiles(path.join(repo, 'worker'))) {
      for (const specifier of await importsOf(file)) {
        const t = target(file, specifier);
        if ('packageName' in t) packages.push(`${shown(file)} imports ${t.packageName}`);
      }
    }
    expect(packages).toEqual([]);
  });
});

describe('src/protocol/', () => {
  it('imports nothing but its own files and Node builtins', async () => {
    const files = await tsFiles(protocol);
    expect(files.length).toBeGreaterThan(5);
    const outside: string[] = [];
    for (const file of files) {
      for (const specifier of await importsOf(file)) {
        const t = target(file, specifier);
        if ('builtin' in t) continue;
        if ('repoFile' in t && inside(t.repoFile, protocol)) continue;
        outside.push(`${shown(file)} imports ${'repoFile' in t ? shown(t.repoFile) : t.packageName}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
