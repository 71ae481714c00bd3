/**
 * The caller's environment as job.sh restores it on the node, per the exportEnv option: every
 * variable but those the scheduler sets for each job (each flavor's definition names its own),
 * those bash keeps read-only, and those that describe the caller's shell. Lives beside the
 * flavors rather than in job-script.ts so that job.sh's renderer (src/protocol/job-script.ts), which the options also use,
 * does not load every flavor.
 */
import { isShellName } from '../protocol/job-script.js';
import { flavorDefinitions } from './registry.js';

/** Never copied whatever the flavor: qmr's own variables, bash's exported functions, a parent's IPC channel. */
const NEVER_COPIED_PREFIXES = ['QMR_', 'BASH_FUNC_', 'NODE_CHANNEL_'];
const NEVER_COPIED_NAMES = [
  // set per host by the login shell (and by HTCondor, PBS and LSF)
  'HOSTNAME', 'HOST',
  // (NODE_CHANNEL_*: a parent's IPC channel; a worker started with it would take fd 3 for one.)
  // bash read-only or per-shell
  'BASHOPTS', 'BASH_VERSINFO', 'EUID', 'PPID', 'SHELLOPTS', 'UID', 'PWD', 'OLDPWD', 'SHLVL', '_',
];

let neverCopied: { prefixes: string[]; names: Set<string> } | undefined;

/**
 * The above with every flavor's per-job variables: copying the caller's would, for example,
 * give a job started from inside another job the wrong JOB_ID. Whatever the run's flavor, since
 * a map may be started from inside a job of another scheduler.
 */
function variablesNeverCopied(): { prefixes: string[]; names: Set<string> } {
  neverCopied ??= {
    prefixes: [...flavorDefinitions().flatMap((d) => d.jobEnvironment.prefixes), ...NEVER_COPIED_PREFIXES],
    names: new Set([...flavorDefinitions().flatMap((d) => d.jobEnvironment.names), ...NEVER_COPIED_NAMES]),
  };
  return neverCopied;
}

export function captureEnvironment(source: NodeJS.ProcessEnv, exportEnv: boolean | readonly string[]): Record<string, string> {
  if (exportEnv === false) return {};
  const wanted = exportEnv === true ? undefined : new Set(exportEnv);
  const never = variablesNeverCopied();
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || !isShellName(name)) continue;
    if (wanted) {
      if (!wanted.has(name)) continue;
    } else if (never.names.has(name) || never.prefixes.some((p) => name.startsWith(p))) {
      continue;
    }
    out[name] = value;
  }
  return out;
}
