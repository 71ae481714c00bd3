/**
 * Which of the caller's node flags (process.execArgv) its workers get by default. An allow-list:
 * a worker needs what loads and compiles code the way the caller's does (module hooks, conditions,
 * experimental language features) and how much memory and stack V8 gives it. Anything else is left
 * here: flags that say what to run (`-e`, `-p`, `--input-type`, `--test`, `--watch`, `-i`) would make
 * every worker run the caller's script again instead of the worker, and debugger or profiler flags
 * would make every worker wait for a debugger or write profiles. The `executable` option passes any
 * flags as they are.
 */
import path from 'node:path';

/** Flags passed on as they are (names with `-`; V8 also takes `_`, as in `--max_old_space_size`). */
const PASSED = new Set([
  // Module loaders, hooks and resolution: code must load on the worker as it does here.
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
  '--conditions',
  '-C',
  '--preserve-symlinks',
  '--preserve-symlinks-main',
  '--enable-source-maps',
  // Memory, stack and V8 behaviour.
  '--max-old-space-size',
  '--max-semi-space-size',
  '--stack-size',
  '--stack-trace-limit',
  '--expose-gc',
  '--jitless',
  '--single-threaded',
  '--single-threaded-gc',
  '--huge-max-old-generation-size',
  '--disallow-code-generation-from-strings',
  '--disable-proto',
  '--frozen-intrinsics',
  '--zero-fill-buffers',
  '--no-addons',
  // Warnings and errors, so that a task behaves and reports as it does here.
  '--no-warnings',
  '--disable-warning',
  '--no-deprecation',
  '--pending-deprecation',
  '--throw-deprecation',
  '--trace-deprecation',
  '--trace-warnings',
  '--trace-uncaught',
  '--unhandled-rejections',
  // The permission model: a worker started with `--permission` alone may read nothing, not even
  // its own main.js, so the grants go with it.
  '--permission',
  '--allow-fs-read',
  '--allow-fs-write',
  '--allow-child-process',
  '--allow-worker',
  '--allow-addons',
  '--allow-wasi',
]);

/** Families passed on by prefix: V8's language features, Node's experimental features. */
const PASSED_PREFIXES = ['--harmony', '--no-harmony', '--experimental-', '--no-experimental-'];

/** Experimental flags that are about running tests or building executables, not about code. */
const HELD_BACK_PREFIXES = ['--experimental-test-', '--no-experimental-test-', '--experimental-sea-config', '--experimental-watch'];

/**
 * Flags whose value comes as the next argument and may start with `-` (`node -p -1`): the value
 * must go with its flag, not be judged as a flag of its own. Other values are the arguments
 * after a flag that do not start with `-`.
 */
const VALUE_MAY_LOOK_LIKE_A_FLAG = new Set(['-e', '--eval', '-p', '--print', '--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);

/**
 * Flags whose value names a module the way `import`/`require` would: `./x` and `../x` are paths
 * from the caller's cwd; `tsx`, `ts-node/esm` are packages and `file:///x`, `/x` stand anywhere.
 */
const MODULE_VALUED = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/** Flags whose value is a file or folder: any relative one is from the caller's cwd. */
const PATH_VALUED = new Set(['--experimental-policy', '--experimental-config-file', '--allow-fs-read', '--allow-fs-write']);

/**
 * The flags of `execArgv` a worker gets, in their order, each with its value. The worker runs in
 * workingDir, not in `cwd`, so relative paths in values are made absolute against `cwd` (the
 * caller's, where node resolved them).
 */
export function workerNodeFlags(execArgv: readonly string[], cwd = process.cwd()): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; ) {
    const flag = execArgv[i]!;
    const group = [flag];
    i += 1;
    if (!flag.includes('=')) {
      if (VALUE_MAY_LOOK_LIKE_A_FLAG.has(flag) && i < execArgv.length) group.push(execArgv[i++]!);
      else while (i < execArgv.length && !execArgv[i]!.startsWith('-')) group.push(execArgv[i++]!);
    }
    if (isPassedOn(flag)) kept.push(...anchored(group, cwd));
  }
  return kept;
}

/** `group` (a flag and its values) with relative paths in its values made absolute against `cwd`. */
function anchored(group: string[], cwd: string): string[] {
  const [flag, ...values] = group as [string, ...string[]];
  const equals = flag.indexOf('=');
  const name = nameOf(flag);
  const anchor = MODULE_VALUED.has(name) ? anchorModule : PATH_VALUED.has(name) ? anchorPaths : undefined;
  if (!anchor) return group;
  const flagPart = equals === -1 ? flag : `${flag.slice(0, equals)}=${anchor(flag.slice(equals + 1), cwd)}`;
  return [flagPart, ...values.map((value) => anchor(value, cwd))];
}

/** `./x` and `../x` are files; anything else (a package, a URL, an absolute path) stays as it is. */
function anchorModule(specifier: string, cwd: string): string {
  return /^\.\.?([/\\]|$)/.test(specifier) ? path.resolve(cwd, specifier) : specifier;
}

/** Node 20 takes `--allow-fs-read=/a,/b`: each part on its own; `*` (everything) stays. */
function anchorPaths(value: string, cwd: string): string {
  return value
    .split(',')
    .map((part) => (part === '' || part === '*' || path.isAbsolute(part) ? part : path.resolve(cwd, part)))
    .join(',');
}

/** The flag's name: without `=value`, and V8's `_` spelled `-`. */
function nameOf(flag: string): string {
  const equals = flag.indexOf('=');
  const raw = equals === -1 ? flag : flag.slice(0, equals);
  // V8 spells its flags with `_` or `-` alike; Node's short flags keep their case.
  return raw.startsWith('--') ? raw.replace(/_/g, '-') : raw;
}

function isPassedOn(flag: string): boolean {
  const name = nameOf(flag);
  if (HELD_BACK_PREFIXES.some((prefix) => name.startsWith(prefix))) return false;
  return PASSED.has(name) || PASSED_PREFIXES.some((prefix) => name.startsWith(prefix));
}
