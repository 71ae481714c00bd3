/**
 * PBS `qdel`: silent on success. Unknown ids: `qdel: Unknown Job Id ID` (exit 153); finished
 * jobs: PBS Pro `qdel: Job has finished ID` (exit 35), Torque's bad-state refusal (exit 170);
 * malformed ids: `qdel: illegally formed job identifier: ID`. Arrays: `12[]` or one `12[3]`.
 */
import { cancelTask } from '../../engine/cancel.js';
import { isActive, isKnown } from '../../engine/jobs.js';
import type { CommandDef, CommandIO } from '../common/command.js';
import { callDialect } from './dialect.js';
import { parsePbsId, serverSuffix } from './job-ids.js';

async function qdel(io: CommandIO): Promise<number> {
  // -W force|delay=N and -x (also purge history) are accepted; they change nothing here.
  const ids: string[] = [];
  for (let i = 0; i < io.args.length; i++) {
    const arg = io.args[i]!;
    if (arg === '-W') i++;
    else if (arg === '-x' || arg.startsWith('-W')) continue;
    else ids.push(arg);
  }
  if (ids.length === 0) {
    io.err('usage: qdel [-W force|suppress_email=X] [-x] job_identifier...\n');
    return 2;
  }
  return io.transact((state, now) => {
    const dialect = callDialect(state, io.env);
    let exitCode = 0;
    for (const text of ids) {
      const request = parsePbsId(text);
      if (!request) {
        io.err(`qdel: illegally formed job identifier: ${text}\n`);
        exitCode = 1;
        continue;
      }
      const id = text.includes('.') ? text : `${text}${serverSuffix(state.settings, dialect)}`;
      const job = state.jobs.find((j) => j.id === request.id);
      const tasks = (job?.tasks ?? []).filter((t) => isKnown(t) && (typeof request.index !== 'number' || t.index === request.index));
      if (!job || tasks.length === 0) {
        io.err(`qdel: Unknown Job Id ${id}\n`);
        exitCode = 153;
        continue;
      }
      const active = tasks.filter(isActive);
      if (active.length === 0) {
        if (dialect === 'pro') {
          io.err(`qdel: Job has finished ${id}\n`);
          exitCode = 35;
        } else {
          io.err(`qdel: Request invalid for state of job MSG=invalid state for job - COMPLETE ${id}\n`);
          exitCode = 170;
        }
        continue;
      }
      for (const task of active) cancelTask(state, job, task, now);
    }
    return exitCode;
  });
}

export const qdelCommand: CommandDef = { kind: 'other', run: qdel };
