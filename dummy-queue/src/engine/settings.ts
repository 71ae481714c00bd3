/** Default settings and checked updates of them (from the control API or `dummyq set key=value`). */
import type { Settings } from './types.js';

export const DEFAULT_SETTINGS: Settings = {
  slots: 2,
  startDelay: 0,
  keepFinished: 300,
  historyLag: 0,
  accounting: true,
  dialect: 'torque',
  pbsServer: 'dummy',
  pbsSuffix: true,
  killGrace: 1,
  cancelLinger: 1,
  removedLinger: 1,
  idleExit: 5,
  hostname: 'dummyhost',
};

type Kind = 'count' | 'seconds' | 'boolean' | 'dialect' | 'name';
const KINDS: Record<keyof Settings, Kind> = {
  slots: 'count',
  startDelay: 'seconds',
  keepFinished: 'seconds',
  historyLag: 'seconds',
  accounting: 'boolean',
  dialect: 'dialect',
  pbsServer: 'name',
  pbsSuffix: 'boolean',
  killGrace: 'seconds',
  cancelLinger: 'seconds',
  removedLinger: 'seconds',
  idleExit: 'seconds',
  hostname: 'name',
};

export function isSettingName(name: string): name is keyof Settings {
  return Object.hasOwn(KINDS, name);
}

/** Checks one value (a JSON value or the text from a command line) and returns it typed. */
export function checkSetting(name: string, value: unknown): Settings[keyof Settings] {
  if (!isSettingName(name)) {
    throw new Error(`unknown setting ${JSON.stringify(name)} (known: ${Object.keys(KINDS).join(', ')})`);
  }
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (KINDS[name]) {
    case 'count': {
      const n = text !== undefined ? Number(text) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Error(`${name} must be an integer >= 1`);
      return n;
    }
    case 'seconds': {
      const n = text !== undefined ? Number(text) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds >= 0`);
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (text === 'true' || text === 'yes' || text === '1') return true;
      if (text === 'false' || text === 'no' || text === '0') return false;
      throw new Error(`${name} must be true or false`);
    }
    case 'dialect': {
      if (value === 'torque' || value === 'pro') return value;
      throw new Error(`${name} must be "torque" or "pro"`);
    }
    case 'name': {
      if (typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) return value;
      throw new Error(`${name} must be a host-like name`);
    }
  }
}

/** Applies checked values to settings (in place) and returns them. */
export function applySettings(settings: Settings, patch: Record<string, unknown>): Settings {
  const checked: Partial<Record<keyof Settings, unknown>> = {};
  for (const [name, value] of Object.entries(patch)) {
    checked[name as keyof Settings] = checkSetting(name, value);
  }
  return Object.assign(settings, checked);
}
