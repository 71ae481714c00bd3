/** LSF `bparams [-a]`: the lsb.params values clients read (MAX_JOB_ARRAY_SIZE). */
import type { CommandDef, CommandIO } from '../common/command.js';
import { MAX_JOB_ARRAY_SIZE } from './array-spec.js';

async function bparams(io: CommandIO): Promise<number> {
  const state = await io.transact((s) => s);
  if (io.args.includes('-a') || io.args.includes('-l')) {
    io.out(
      'System default queue for batch processing:\n\tDEFAULT_QUEUE = normal\n' +
        `\tMBD_SLEEP_TIME = 10\n\tSBD_SLEEP_TIME = 7\n\tJOB_ACCEPT_INTERVAL = 0\n\tMAX_JOB_ARRAY_SIZE = ${MAX_JOB_ARRAY_SIZE}\n` +
        `\tCLEAN_PERIOD = ${state.settings.keepFinished}\n\tJOB_TERMINATE_INTERVAL = ${state.settings.killGrace}\n`,
    );
  } else {
    io.out('Default Queues:  normal\nMBD_SLEEP_TIME used for calculations:  10 seconds\nJob Checking Interval:  7 seconds\nJob Accepting Interval:  0 seconds\n');
  }
  return 0;
}

export const bparamsCommand: CommandDef = { kind: 'other', run: bparams };
