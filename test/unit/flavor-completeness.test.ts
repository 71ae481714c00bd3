/**
 * Every flavor in the registry comes with what a flavor must have besides its folder: an
 * emulator front that answers each command the flavor runs, fixtures of real output with a
 * SOURCES.md saying where they come from, and a test that runs whole maps on it. The compiler
 * already refuses a flavor without a definition (registry.ts is a Record over FlavorName); this
 * test catches the pieces outside src that no type ties to it (docs/adding-a-flavor.md).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FRONTS } from '../../dummy-queue/src/fronts/index.js';
import { resolveOptions } from '../../src/options.js';
import { captureEnvironment } from '../../src/queues/job-environment.js';
import { FLAVORS, type FlavorName } from '../../src/queues/flavor-names.js';
import { FLAVOR_DEFINITIONS } from '../../src/queues/registry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The local flavor runs processes of this machine: it has no scheduler to emulate, no scheduler
 * output to keep fixtures of, and no commands; its whole maps run in test/integration/local.test.ts.
 */
const WITHOUT_SCHEDULER: ReadonlySet<FlavorName> = new Set(['local']);
const schedulerFlavors = FLAVORS.filter((f) => !WITHOUT_SCHEDULER.has(f));

/** The whole-map test files of a flavor: test/integration/dummy-<flavor>.test.ts or dummy-<flavor>-<variant>.test.ts (PBS's dialects). */
function wholeMapTests(flavor: FlavorName): string[] {
  if (flavor === 'local') return existsSync(path.join(root, 'test/integration/local.test.ts')) ? ['local.test.ts'] : [];
  return readdirSync(path.join(root, 'test/integration')).filter((f) => f === `dummy-${flavor}.test.ts` || (f.startsWith(`dummy-${flavor}-`) && f.endsWith('.test.ts')));
}

describe('every flavor has its pieces outside src/queues', () => {
  it('the registry defines every flavor name, and the emulator knows the same schedulers', () => {
    expect(Object.keys(FLAVOR_DEFINITIONS).sort()).toEqual([...FLAVORS].sort());
    expect(Object.keys(FRONTS).sort()).toEqual([...schedulerFlavors].sort());
  });

  it.each(schedulerFlavors)('%s: an emulator front and a dummy-queue/bin command for each command the flavor runs', (flavor) => {
    const front = FRONTS[flavor as keyof typeof FRONTS];
    expect(front.flavor).toBe(flavor);
    const source = FLAVOR_DEFINITIONS[flavor].queue;
    if (source.kind !== 'commands') throw new Error(`${flavor} has a scheduler but opens a queue of its own`);
    // An explicit PBS dialect, so that nothing asks qstat --version.
    const runs = source.commandFlavor(resolveOptions({ flavor, pbsDialect: 'torque' })).commandNames;
    for (const command of runs) {
      expect(Object.keys(front.commands), `${flavor} front lacks ${command}`).toContain(command);
      expect(existsSync(path.join(root, 'dummy-queue/bin', flavor, command)), `dummy-queue/bin/${flavor}/${command}`).toBe(true);
    }
  });

  it.each(schedulerFlavors)('%s: fixtures of real output, with a SOURCES.md', (flavor) => {
    const folder = path.join(root, 'test/fixtures', flavor);
    expect(existsSync(path.join(folder, 'SOURCES.md')), `${folder}/SOURCES.md`).toBe(true);
    expect(readdirSync(folder).filter((f) => f !== 'SOURCES.md').length).toBeGreaterThan(0);
  });

  it.each([...FLAVORS])('%s: a whole-map integration test file', (flavor) => {
    expect(wholeMapTests(flavor)).not.toEqual([]);
  });

  it.each(schedulerFlavors)('%s: how auto finds it, and the variables it sets per job, which job.sh never takes from the caller', (flavor) => {
    const definition = FLAVOR_DEFINITIONS[flavor];
    expect(definition.detection?.command).toBeDefined();
    const { prefixes, names } = definition.jobEnvironment;
    expect(prefixes.length + names.length).toBeGreaterThan(0);
    const caller = Object.fromEntries([...prefixes.map((p) => `${p}X`), ...names].map((name) => [name, 'the caller’s']));
    expect(captureEnvironment({ ...caller, KEPT: 'yes' }, true)).toEqual({ KEPT: 'yes' });
  });
});

describe("each flavor's failure words", () => {
  // trace/failure-cause.ts joins every flavor's words into one pattern a cause by their source
  // text, under its own flags ('i' for reasons, none for states): a flag on a flavor's pattern
  // would be dropped silently there.
  for (const flavor of FLAVORS) {
    it(`${flavor}: its patterns carry no flags of their own`, () => {
      const { states, reasons } = FLAVOR_DEFINITIONS[flavor].failureWords;
      const flagged = [...Object.entries(states), ...Object.entries(reasons)].filter(([, p]) => p !== undefined && p.flags !== '');
      expect(flagged.map(([cause, p]) => `${cause}: ${String(p)}`)).toEqual([]);
    });
  }
});
