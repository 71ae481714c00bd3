/**
 * Which of the caller's node flags (process.execArgv) its workers get by default. An allow-list:
 * a worker needs what loads and compiles code the way the caller's does (module hooks, conditions,
 * experimental language features) and how much memory and stack V8 gives it. Anything else is left
 * here: flags that say what to run (`-e`, `-p`, `--input-type`, `--test`, `--watch`, `-i`) would make
 * every worker run the caller's script again instead of the worker, and debugger or profiler flags
 * would make every worker wait for a debugger or write profiles. The `executable` option passes any
 * flags as they are.
 */

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

/** The flags of `execArgv` a worker gets, in their order, each with its value. */
export function workerNodeFlags(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; ) {
    const flag = execArgv[i]!;
    const group = [flag];
    i += 1;
    if (!flag.includes('=')) {
      if (VALUE_MAY_LOOK_LIKE_A_FLAG.has(flag) && i < execArgv.length) group.push(execArgv[i++]!);
      else while (i < execArgv.length && !execArgv[i]!.startsWith('-')) group.push(execArgv[i++]!);
    }
    if (isPassedOn(flag)) kept.push(...group);
  }
  return kept;
}

function isPassedOn(flag: string): boolean {
  const equals = flag.indexOf('=');
  const raw = equals === -1 ? flag : flag.slice(0, equals);
  // V8 spells its flags with `_` or `-` alike; Node's short flags keep their case.
  const name = raw.startsWith('--') ? raw.replace(/_/g, '-') : raw;
  if (HELD_BACK_PREFIXES.some((prefix) => name.startsWith(prefix))) return false;
  return PASSED.has(name) || PASSED_PREFIXES.some((prefix) => name.startsWith(prefix));
}
