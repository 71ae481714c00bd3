/**
 * `dummyq`: the emulator's control command, for shells and harnesses that are not TypeScript.
 *   dummyq init [--slots N] [--keep-finished S] [--<setting> VALUE]...   fresh cluster
 *   dummyq set KEY=VALUE...                                             change settings
 *   dummyq fault '<json>'                                               add fault(s) (object or array)
 *   dummyq show [--json]                                                jobs and tasks
 *   dummyq calls | fired                                                counters / fired faults (JSON)
 *   dummyq release ID[.INDEX]                                           release held tasks
 *   dummyq resume ID[.INDEX]                                            resume suspended tasks now
 *   dummyq wait-idle [--timeout S]                                      exit 0 when idle, 1 on timeout
 *   dummyq stop                                                         kill dispatcher and running jobs
 * The state file is $QMR_DUMMY_STATE, or `--state PATH` before the subcommand.
 */
import { resolve } from 'node:path';
import { initCluster, injectFaults, releaseJob, resumeJob, stopCluster, updateSettings, waitUntilIdle } from './engine/admin.js';
import { checkFaultSpec } from './engine/faults.js';
import { statePathFromEnv } from './engine/state-file.js';
import { snapshot } from './engine/store.js';
import type { FaultSpec, State } from './engine/types.js';

export interface ControlOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** `--keep-finished 5` → keepFinished: "5" (values are checked by the settings module). */
function settingsFromFlags(words: readonly string[]): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) throw new Error(`unexpected argument ${word}`);
    const [flag, inline] = word.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const name = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = inline ?? words[++i];
    if (value === undefined) throw new Error(`--${flag} needs a value`);
    settings[name] = value;
  }
  return settings;
}

function settingsFromPairs(words: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    words.map((word) => {
      const eq = word.indexOf('=');
      if (eq < 1) throw new Error(`expected KEY=VALUE, got ${word}`);
      return [word.slice(0, eq), word.slice(eq + 1)];
    }),
  );
}

function describe(state: State): string {
  const lines = [`settings: ${JSON.stringify(state.settings)}`, `dispatcher: ${state.dispatcher ? `pid ${state.dispatcher.pid}` : 'not running'}`];
  for (const job of state.jobs) {
    const tasks = job.tasks
      .map((t) => `${t.index ?? '-'}:${t.state}${t.outcome ? `(${t.outcome}${t.exitCode !== undefined && t.exitCode !== null ? ` ${t.exitCode}` : ''}${t.signal ? ` ${t.signal}` : ''})` : ''}`)
      .join(' ');
    lines.push(`${job.flavor} ${job.id} ${job.name} ${tasks}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runControl(words: readonly string[]): Promise<ControlOutcome> {
  let args = [...words];
  let statePath: string;
  try {
    if (args[0] === '--state') {
      statePath = resolve(args[1] ?? '');
      args = args.slice(2);
    } else {
      statePath = statePathFromEnv();
    }
    const [subcommand, ...rest] = args;
    const ok = (stdout = ''): ControlOutcome => ({ stdout, stderr: '', exitCode: 0 });
    switch (subcommand) {
      case 'init':
        await initCluster(statePath, settingsFromFlags(rest));
        return ok();
      case 'set':
        return ok(`${JSON.stringify(await updateSettings(statePath, settingsFromPairs(rest)))}\n`);
      case 'fault': {
        const parsed: unknown = JSON.parse(rest.join(' '));
        const specs = (Array.isArray(parsed) ? parsed : [parsed]).map((f) => checkFaultSpec(f)) as FaultSpec[];
        return ok(`${JSON.stringify(await injectFaults(statePath, specs))}\n`);
      }
      case 'show': {
        const state = await snapshot(statePath);
        return ok(rest.includes('--json') ? `${JSON.stringify(state, null, 2)}\n` : describe(state));
      }
      case 'calls':
        return ok(`${JSON.stringify((await snapshot(statePath)).calls)}\n`);
      case 'fired':
        return ok(`${JSON.stringify((await snapshot(statePath)).fired)}\n`);
      case 'release':
      case 'resume': {
        const match = /^(\d+)(?:[.[_](\d+)]?)?$/.exec(rest[0] ?? '');
        if (!match) throw new Error(`usage: dummyq ${subcommand} JOBID[.INDEX]`);
        const act = subcommand === 'release' ? releaseJob : resumeJob;
        return ok(`${await act(statePath, Number(match[1]), match[2] === undefined ? 'all' : Number(match[2]))}\n`);
      }
      case 'wait-idle': {
        const t = rest.indexOf('--timeout');
        const seconds = t >= 0 ? Number(rest[t + 1]) : 60;
        const idle = await waitUntilIdle(statePath, seconds * 1000);
        return idle ? ok() : { stdout: '', stderr: `dummyq: still busy after ${seconds} s\n`, exitCode: 1 };
      }
      case 'stop':
        return ok(`${await stopCluster(statePath)}\n`);
      default:
        throw new Error(`usage: dummyq [--state PATH] init|set|fault|show|calls|fired|release|resume|wait-idle|stop ...`);
    }
  } catch (error) {
    return { stdout: '', stderr: `dummyq: ${(error as Error).message}\n`, exitCode: 2 };
  }
}
