import { describe, expect, it } from 'vitest';
import { workerNodeFlags } from '../../src/worker-node-flags.js';

describe('workerNodeFlags: the caller flags a worker gets', () => {
  it.each([
    // What says what to run stays here, with its value.
    [['-e', 'run()'], []],
    [['--eval', 'run()'], []],
    [['-p', '-1'], []],
    [['--print=1'], []],
    [['--input-type=module', '-e', 'x'], []],
    [['--input-type', 'module', '-e', 'x'], []],
    [['--test'], []],
    [['--test', '--test-reporter', 'tap', '--test-name-pattern=a'], []],
    [['--watch', '--watch-path', 'src', '--watch-preserve-output'], []],
    [['-i'], []],
    [['--inspect-brk=0'], []],
    [['--inspect', '--cpu-prof', '--prof'], []],
    [['--experimental-test-coverage', '--experimental-sea-config', 'sea.json'], []],
    // Loaders, hooks, conditions, memory and V8 flags go on, in both forms.
    [['--import', 'tsx'], ['--import', 'tsx']],
    [['--import=tsx'], ['--import=tsx']],
    [['--require', './setup.cjs', '-r', 'ts-node/register'], ['--require', './setup.cjs', '-r', 'ts-node/register']],
    [['--loader', 'ts-node/esm', '--experimental-loader=./hooks.mjs'], ['--loader', 'ts-node/esm', '--experimental-loader=./hooks.mjs']],
    [['--conditions', 'development', '-C', 'custom'], ['--conditions', 'development', '-C', 'custom']],
    [['--max-old-space-size=4096', '--max_old_space_size=64', '--stack-size=2000', '--expose-gc'], ['--max-old-space-size=4096', '--max_old_space_size=64', '--stack-size=2000', '--expose-gc']],
    [['--experimental-vm-modules', '--experimental-policy', 'policy.json', '--no-experimental-fetch'], ['--experimental-vm-modules', '--experimental-policy', 'policy.json', '--no-experimental-fetch']],
    [['--harmony-temporal', '--enable-source-maps', '--unhandled-rejections=strict'], ['--harmony-temporal', '--enable-source-maps', '--unhandled-rejections=strict']],
    // Mixed: only the needed ones, in order, each with its own value.
    [
      ['--require', '/tsx/cjs.cjs', '--import', 'file:///tsx/esm.mjs', '--input-type=module', '--max-old-space-size=512', '-e', '--import=x'],
      ['--require', '/tsx/cjs.cjs', '--import', 'file:///tsx/esm.mjs', '--max-old-space-size=512'],
    ],
  ])('%j -> %j', (execArgv, expected) => {
    expect(workerNodeFlags(execArgv)).toEqual(expected);
  });
});
