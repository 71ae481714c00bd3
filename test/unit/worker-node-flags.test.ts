import { describe, expect, it } from 'vitest';
import { workerNodeFlags } from '../../src/worker-launch/worker-node-flags.js';

const CWD = '/home/u/project';

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
    [['--require', './setup.cjs', '-r', 'ts-node/register'], ['--require', `${CWD}/setup.cjs`, '-r', 'ts-node/register']],
    [['--loader', 'ts-node/esm', '--experimental-loader=./hooks.mjs'], ['--loader', 'ts-node/esm', `--experimental-loader=${CWD}/hooks.mjs`]],
    [['--conditions', 'development', '-C', 'custom'], ['--conditions', 'development', '-C', 'custom']],
    [['--max-old-space-size=4096', '--max_old_space_size=64', '--stack-size=2000', '--expose-gc'], ['--max-old-space-size=4096', '--max_old_space_size=64', '--stack-size=2000', '--expose-gc']],
    [['--experimental-vm-modules', '--experimental-policy', 'policy.json', '--no-experimental-fetch'], ['--experimental-vm-modules', '--experimental-policy', `${CWD}/policy.json`, '--no-experimental-fetch']],
    [['--harmony-temporal', '--enable-source-maps', '--unhandled-rejections=strict'], ['--harmony-temporal', '--enable-source-maps', '--unhandled-rejections=strict']],
    // Mixed: only the needed ones, in order, each with its own value.
    [
      ['--require', '/tsx/cjs.cjs', '--import', 'file:///tsx/esm.mjs', '--input-type=module', '--max-old-space-size=512', '-e', '--import=x'],
      ['--require', '/tsx/cjs.cjs', '--import', 'file:///tsx/esm.mjs', '--max-old-space-size=512'],
    ],
    // The permission model goes on with its grants: `--permission` alone cannot read main.js.
    [['--experimental-permission', '--allow-fs-read=*', '--allow-child-process'], ['--experimental-permission', '--allow-fs-read=*', '--allow-child-process']],
    [
      ['--permission', '--allow-fs-read', '/data', '--allow-fs-write=/work', '--allow-worker', '--allow-addons', '--allow-wasi'],
      ['--permission', '--allow-fs-read', '/data', '--allow-fs-write=/work', '--allow-worker', '--allow-addons', '--allow-wasi'],
    ],
    // Relative paths are the caller's cwd's: the worker runs in workingDir, so they go absolute.
    [['--allow-fs-read=./data,/abs,lib', '--allow-fs-write', '../out'], [`--allow-fs-read=${CWD}/data,/abs,${CWD}/lib`, '--allow-fs-write', '/home/u/out']],
    [['--experimental-policy=./p.json'], [`--experimental-policy=${CWD}/p.json`]],
    [['--import', './setup.mjs', '--import=../up.mjs', '-r', '.'], ['--import', `${CWD}/setup.mjs`, `--import=/home/u/up.mjs`, '-r', CWD]],
    // Packages, URLs and absolute paths stand anywhere: as they are.
    [['--import', 'tsx', '--import=file:///x/y.mjs', '-r', '/abs/r.cjs', '--loader', 'data:text/javascript,'], ['--import', 'tsx', '--import=file:///x/y.mjs', '-r', '/abs/r.cjs', '--loader', 'data:text/javascript,']],
  ])('%j -> %j', (execArgv, expected) => {
    expect(workerNodeFlags(execArgv, CWD)).toEqual(expected);
  });
});
