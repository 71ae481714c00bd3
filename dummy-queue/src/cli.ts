#!/usr/bin/env node
/**
 * The single entry point behind every shim in dummy-queue/bin:
 *   cli.js <flavor> <command> [args...]   an emulated scheduler command (sge qsub ...)
 *   cli.js dummyq <subcommand> [args...]   the control command
 *   cli.js __dispatcher                    the background dispatcher (started by submits)
 */
import { runDispatcher } from './engine/dispatcher.js';
import { statePathFromEnv } from './engine/state-file.js';
import { runCommand } from './fronts/common/command.js';
import { FRONTS, launchers } from './fronts/index.js';
import { runControl } from './dummyq.js';
import type { Flavor } from './engine/types.js';

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '__dispatcher') {
    await runDispatcher(statePathFromEnv(), launchers());
    return 0;
  }
  const outcome =
    first === 'dummyq'
      ? await runControl(rest)
      : first !== undefined && Object.hasOwn(FRONTS, first)
        ? await runCommand(FRONTS[first as Flavor], rest[0] ?? '', rest.slice(1))
        : { stdout: '', stderr: `dummy-queue: unknown flavor ${first ?? '(none)'}; use one of ${Object.keys(FRONTS).join(', ')} or dummyq\n`, exitCode: 2 };
  process.stdout.write(outcome.stdout);
  process.stderr.write(outcome.stderr);
  return outcome.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dummy-queue: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
