/**
 * Where the state lives and how it is read and written. The path comes from QMR_DUMMY_STATE so
 * that tests run side by side, each with its own emulated cluster. Writes go to a temporary file
 * renamed over the old one, so a reader never sees half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DEFAULT_SETTINGS, applySettings } from './settings.js';
import type { State } from './types.js';

export const STATE_VARIABLE = 'QMR_DUMMY_STATE';

export class StateFileError extends Error {}

export function statePathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const path = env[STATE_VARIABLE];
  if (!path) throw new StateFileError(`dummy-queue: ${STATE_VARIABLE} is not set (the path of the emulator's state file)`);
  return resolve(path);
}

/** Files that belong to one state file, side by side with it. */
export function companionPaths(statePath: string) {
  return {
    lock: `${statePath}.lock`,
    spool: `${statePath}.spool`,
    dispatcherLog: `${statePath}.dispatcher.log`,
    scratch: `${statePath}.scratch`,
  };
}

export function emptyState(settings: Record<string, unknown> = {}): State {
  return {
    version: 1,
    settings: applySettings({ ...DEFAULT_SETTINGS }, settings),
    nextJobId: 1,
    jobs: [],
    faults: [],
    fired: [],
    calls: {},
    dispatcher: null,
    nextFaultId: 1,
  };
}

/** Reads the state; a missing file is an empty cluster with default settings. */
export async function readStateFile(statePath: string): Promise<State> {
  let text: string;
  try {
    text = await readFile(statePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw error;
  }
  const state = JSON.parse(text) as State;
  // Settings added in later versions get their defaults.
  state.settings = { ...DEFAULT_SETTINGS, ...state.settings };
  return state;
}

let writeCounter = 0;

export async function writeStateFile(statePath: string, state: State, text = JSON.stringify(state)): Promise<void> {
  await mkdir(dirname(statePath), { recursive: true });
  const temporary = `${statePath}.tmp-${process.pid}-${writeCounter++}`;
  await writeFile(temporary, text);
  await rename(temporary, statePath);
}
