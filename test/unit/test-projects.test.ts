/**
 * The vitest projects (vitest.config.ts, from test/projects.ts) split the suite without losing a
 * file: asks vitest itself which files each project runs, and compares with the test files on disk.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createVitest } from 'vitest/node';
import { TEST_PROJECTS } from '../projects.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every test file below test/, relative to the repo, as vitest's own include used to find them. */
async function testFilesOnDisk(): Promise<string[]> {
  const names = await readdir(path.join(repo, 'test'), { recursive: true });
  return names.filter((name) => name.endsWith('.test.ts')).map((name) => path.join('test', name)).sort();
}

/** project name -> the files vitest would run for it. */
async function filesByProject(): Promise<Map<string, string[]>> {
  const vitest = await createVitest('test', { watch: false, config: path.join(repo, 'vitest.config.ts'), root: repo });
  try {
    const byProject = new Map<string, string[]>();
    for (const spec of await vitest.globTestSpecifications()) {
      const files = byProject.get(spec.project.name) ?? [];
      files.push(path.relative(repo, spec.moduleId));
      byProject.set(spec.project.name, files);
    }
    return byProject;
  } finally {
    await vitest.close();
  }
}

describe('the vitest projects', () => {
  it('put every test file below test/ in exactly one of unit, emulated and real', async () => {
    const byProject = await filesByProject();
    expect([...byProject.keys()].sort()).toEqual(Object.keys(TEST_PROJECTS).sort());
    for (const [name, files] of byProject) expect(files.length, `project ${name} has no files`).toBeGreaterThan(0);
    const listed = [...byProject.values()].flat().sort();
    const twice = listed.filter((file, i) => listed[i - 1] === file);
    expect(twice).toEqual([]);
    expect(listed).toEqual(await testFilesOnDisk());
  });

  it('keep unit tests to the code in their own process: no child process, nothing from dist/', async () => {
    const byProject = await filesByProject();
    const offenders: string[] = [];
    const self = path.relative(repo, fileURLToPath(import.meta.url));
    for (const file of (byProject.get('unit') ?? []).filter((file) => file !== self)) {
      const text = await readFile(path.join(repo, file), 'utf8');
      if (/from 'node:child_process'|['"/]\.\.\/\.\.\/dist\//.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
