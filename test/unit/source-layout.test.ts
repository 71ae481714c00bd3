/**
 * docs/source-layout.md names every folder of src/ and every file at its root, so a folder
 * added or a file left at the root without a word there fails here instead of going unexplained.
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const src = new URL('../../src/', import.meta.url);

describe('docs/source-layout.md', () => {
  it('names every folder of src/ and every file at its root', async () => {
    const page = await readFile(new URL('../../docs/source-layout.md', import.meta.url), 'utf8');
    const entries = await readdir(src, { withFileTypes: true });
    const names = entries.map((e) => (e.isDirectory() ? `\`src/${e.name}/\`` : `\`src/${e.name}\``));
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((name) => !page.includes(name))).toEqual([]);
  });

  it('names nothing in src/ that is not there', async () => {
    const page = await readFile(new URL('../../docs/source-layout.md', import.meta.url), 'utf8');
    const present = new Set((await readdir(src)).map((name) => name));
    const named = [...page.matchAll(/`src\/([\w.-]+)\/?`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !present.has(name))).toEqual([]);
  });
});
