/**
 * What every emulated command does around its own work: find the state file, count the call,
 * fire command faults (hang, warning, failure), run, print, and make sure a dispatcher is alive
 * whenever there is work for one. Fronts only parse arguments, call the engine and format.
 */
import { ensureDispatcher, dispatcherAlive } from '../../engine/dispatcher-control.js';
import { recordHangOver, takeCommandFaults, type CommandClass } from '../../engine/faults.js';
import { isRunning } from '../../engine/jobs.js';
import { statePathFromEnv } from '../../engine/state-file.js';
import { snapshot, transact, type StateChange } from '../../engine/store.js';
import type { Launcher } from '../../engine/launch.js';
import type { Fault, Flavor, State } from '../../engine/types.js';

export interface CommandIO {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly statePath: string;
  out(text: string): void;
  err(text: string): void;
  /** A locked read-modify-write of the state; revives the dispatcher if work is waiting. */
  transact<T>(change: StateChange<T>): Promise<T>;
  /** Standard input as text (for `qsub` without a script, `condor_submit` without a file). */
  readStdin(): Promise<string>;
}

export interface CommandDef {
  /** Status and submit commands are subject to the matching command faults. */
  kind: CommandClass | 'other';
  /**
   * Calls answered without the server (`qstat --version`, `qsub -help`): they work while the
   * server is down, so command faults pass them by (they are still counted).
   */
  offline?(args: readonly string[]): boolean;
  run(io: CommandIO): Promise<number>;
}

/** How a scheduler's commands fail when its server is unreachable (default fault texts). */
export interface FaultTexts {
  statusFail(command: string, state: State): { text: string; exitCode: number };
  submitFail(command: string, state: State): { text: string; exitCode: number };
  statusWarning(command: string, state: State): string;
}

export interface Front {
  flavor: Flavor;
  commands: Readonly<Record<string, CommandDef>>;
  launcher: Launcher;
  faultTexts: FaultTexts;
}

function hasWorkForDispatcher(state: State): boolean {
  return state.jobs.some((job) => job.tasks.some((task) => task.state === 'pending' || isRunning(task)));
}

export function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export interface CommandOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runCommand(front: Front, command: string, args: readonly string[]): Promise<CommandOutcome> {
  let stdout = '';
  let stderr = '';
  const def = front.commands[command];
  if (!def) return { stdout, stderr: `dummy-queue: ${front.flavor} has no command ${command}\n`, exitCode: 2 };
  let statePath: string;
  try {
    statePath = statePathFromEnv();
  } catch (error) {
    return { stdout, stderr: `${(error as Error).message}\n`, exitCode: 2 };
  }
  const io: CommandIO = {
    command,
    args,
    env: process.env,
    cwd: process.cwd(),
    statePath,
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    transact: (change) =>
      transact(statePath, async (state, now) => {
        const result = await change(state, now);
        if (hasWorkForDispatcher(state) && !dispatcherAlive(state)) ensureDispatcher(state, statePath, now);
        return result;
      }),
    readStdin: () => readAll(process.stdin),
  };

  const { faults, firedAt } = await transact(statePath, (state, now) => {
    state.calls[command] = (state.calls[command] ?? 0) + 1;
    const firing: Fault[] = def.kind === 'other' || def.offline?.(args) ? [] : takeCommandFaults(state, def.kind, command, now);
    return { faults: firing, firedAt: now };
  });
  let texts: State | undefined;
  const stateForTexts = async () => (texts ??= await snapshot(statePath));
  for (const fault of faults) {
    if (fault.kind === 'statusHang') {
      // Until `seconds` after the firing by the clock the fired record uses (a timer may end a
      // little early), then the record says when the command went on.
      const until = firedAt + (fault.seconds ?? 0) * 1000;
      while (Date.now() < until) await new Promise((resolve) => setTimeout(resolve, until - Date.now()));
      await transact(statePath, (state, now) => recordHangOver(state, fault.id, firedAt, command, now));
    } else if (fault.kind === 'statusWarning') {
      const line = withNewline(fault.message ?? front.faultTexts.statusWarning(command, await stateForTexts()));
      if (fault.stream === 'stderr') stderr += line;
      else stdout += line;
    } else {
      const standard = (fault.kind === 'statusFail' ? front.faultTexts.statusFail : front.faultTexts.submitFail)(command, await stateForTexts());
      stderr += withNewline(fault.message ?? standard.text);
      return { stdout, stderr, exitCode: fault.exitCode ?? standard.exitCode };
    }
  }
  const exitCode = await def.run(io);
  return { stdout, stderr, exitCode };
}
