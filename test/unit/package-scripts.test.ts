/**
 * The npm scripts the README gives build exactly when they must: `npm run demo` once (npm ci's
 * prepare builds; a build after it was a second one), `npm test` once before every project,
 * `npm run test:unit` never (the unit project needs no dist/).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scripts = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** How many times running `npm run <name>` builds: its own `npm run build`s, and npm ci's prepare. */
function builds(name: string): number {
  const steps = scripts[name]!.split('&&').map((step) => step.trim());
  return steps.reduce((n, step) => {
    if (step === 'npm run build') return n + 1;
    if (/^npm ci\b/.test(step) && !step.includes('--ignore-scripts')) return n + builds('prepare');
    return n;
  }, 0);
}

describe('the npm scripts', () => {
  it('build once for npm run demo, which still installs and runs the demo', () => {
    expect(builds('demo')).toBe(1);
    expect(scripts.demo).toMatch(/^npm ci\b.*&& node examples\/demo\.mjs$/);
  });

  it('build once for npm test, then run every project; the unit project alone builds nothing', () => {
    expect(builds('test')).toBe(1);
    expect(scripts.test).toMatch(/&& vitest run$/);
    expect(builds('test:unit')).toBe(0);
    expect(scripts['test:unit']).toBe('vitest run --project unit');
    expect([builds('test:emulated'), builds('test:real')]).toEqual([1, 1]);
  });
});
