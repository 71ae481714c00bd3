/**
 * test/fixtures holds only what the tests read: each file there is named (up to its first dot, so
 * `live('x', 0)` names `live/x.out` and `live/x.err`) by a test or helper. Captures kept for
 * reference belong in docs/research/<flavor>/, with their SOURCES.md.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const testDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = path.join(testDir, 'fixtures');

const filesBelow = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(path.join(dir, name)).isFile());

describe('test/fixtures', () => {
  it('holds no file that no test or helper names', () => {
    const sources = filesBelow(testDir)
      .filter((name) => !name.startsWith(`fixtures${path.sep}`) && /\.(ts|mjs)$/.test(name))
      .map((name) => readFileSync(path.join(testDir, name), 'utf8'))
      .join('\n');
    const unnamed = filesBelow(fixturesDir).filter((name) => {
      const stem = path.basename(name).split('.')[0]!;
      return path.basename(name) !== 'SOURCES.md' && !sources.includes(stem);
    });
    expect(unnamed).toEqual([]);
  });
});
