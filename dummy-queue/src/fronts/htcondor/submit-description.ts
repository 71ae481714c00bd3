/**
 * HTCondor submit description files, pure: `key = value` lines (case-insensitive keys, `#`
 * comments, `\` continuations, `+Attr`/`MY.Attr` custom attributes), macros `$(name)`, and the
 * `queue` forms `queue`, `queue N`, `queue [N] var in (a, b)`, `queue [N] v1,v2 from (lines)`.
 * The result is one settings record per proc, with `$(Cluster)`/`$(ClusterId)` left for later:
 * the cluster id is only known inside the submit's state transaction, where `withCluster`
 * expands them (condor_submit does so in every value: environment, arguments, output, ...).
 */

export class SubmitError extends Error {}

/** One proc's submit settings: lower-case key → expanded value; custom attributes by name. */
export interface ProcSettings {
  values: Record<string, string>;
  custom: Record<string, string>;
}

interface QueueStatement {
  count: number;
  vars: string[];
  items: string[][] | null;
}

/** `$(Cluster)`, `$(ClusterId)`; not inside `$$(...)`, which is expanded at match time. */
const CLUSTER_MACROS = /(?<!\$)\$\((Cluster|ClusterId)\)/gi;

function logicalLines(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.endsWith('\\')) {
      current += line.slice(0, -1);
      continue;
    }
    out.push(current + line);
    current = '';
  }
  if (current) out.push(current);
  return out.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** Expands `$(name)`, `$(name:default)` and `$ENV(NAME)`; `$(Cluster)` and `$$(...)` stay. */
export function expandMacros(text: string, lookup: (name: string) => string | undefined, env: NodeJS.ProcessEnv, depth = 0): string {
  if (depth > 20) throw new SubmitError('ERROR: macro expansion is too deep (a macro refers to itself?)');
  return text.replace(/\$\$\([^)]*\)|\$ENV\(([^)]*)\)|\$\(([^):]+)(?::([^)]*))?\)/g, (whole, envName: string | undefined, name: string | undefined, fallback: string | undefined) => {
    if (whole.startsWith('$$')) return whole;
    if (envName !== undefined) return env[envName] ?? '';
    if (/^(cluster|clusterid)$/i.test(name!)) return whole;
    const value = lookup(name!.toLowerCase());
    return value === undefined ? (fallback ?? '') : expandMacros(value, lookup, env, depth + 1);
  });
}

function splitItems(text: string, separator: RegExp): string[] {
  return text.split(separator).map((s) => s.trim()).filter(Boolean);
}

function parseQueue(rest: string, pendingLines: string[]): QueueStatement {
  let text = rest.trim();
  let count = 1;
  const countMatch = /^(\d+)\b\s*/.exec(text);
  if (countMatch) {
    count = Number(countMatch[1]);
    text = text.slice(countMatch[0].length);
  }
  if (text === '') return { count, vars: [], items: null };
  const form = /^([\w\s,]*?)\s+(in|from|matching)\s*(.*)$/is.exec(text);
  if (!form) throw new SubmitError(`ERROR: Invalid queue statement: queue ${rest}`);
  const vars = splitItems(form[1]!, /[\s,]+/).map((v) => v.toLowerCase());
  const keyword = form[2]!.toLowerCase();
  let body = form[3]!.trim();
  if (keyword === 'matching') throw new SubmitError('ERROR: queue ... matching is not supported by the emulator');
  if (body.startsWith('(')) {
    // The list may continue over the following lines up to the closing parenthesis.
    while (!body.includes(')') && pendingLines.length > 0) body += `\n${pendingLines.shift()}`;
    body = body.slice(1, body.lastIndexOf(')'));
  } else if (keyword === 'from') {
    throw new SubmitError('ERROR: queue ... from FILE is not supported by the emulator; use an inline list');
  }
  const lines = keyword === 'in' ? splitItems(body, /[,\n]/) : splitItems(body, /\n/);
  const items = lines.map((line) => (vars.length > 1 ? splitItems(line, /[\s,]+/) : [line]));
  return { count, vars: vars.length > 0 ? vars : ['item'], items };
}

/** Submit keys condor_submit knows (others are macros, or draw its "unused" warning). */
const KNOWN_KEYS = new Set([
  'universe', 'executable', 'arguments', 'args', 'output', 'error', 'input', 'log', 'log_xml', 'initialdir', 'initial_dir',
  'iwd', 'environment', 'env', 'getenv', 'request_cpus', 'request_memory', 'request_disk', 'request_gpus', 'batch_name',
  'jobbatchname', 'hold', 'leave_in_queue', 'transfer_executable', 'should_transfer_files', 'when_to_transfer_output',
  'transfer_input_files', 'transfer_output_files', 'transfer_output_remaps', 'notification', 'notify_user', 'requirements',
  'rank', 'priority', 'prio', 'max_retries', 'retry_until', 'success_exit_code', 'periodic_remove', 'periodic_hold',
  'periodic_release', 'on_exit_hold', 'on_exit_remove', 'accounting_group', 'accounting_group_user', 'job_lease_duration',
  'stream_output', 'stream_error', 'nice_user', 'max_idle', 'max_materialize', 'concurrency_limits', 'docker_image',
  'container_image', 'image_size', 'kill_sig', 'want_graceful_removal', 'allowed_execute_duration', 'allowed_job_duration',
  'job_max_vacate_time', 'submit_event_notes', 'description', 'machine_count', 'copy_to_spool', 'load_profile',
  'run_as_owner', 'hold_kill_sig', 'remove_kill_sig', 'deferral_time', 'encrypt_input_files', 'encrypt_output_files',
  'output_destination', 'coresize', 'skip_filechecks', 'preserve_relative_paths', 'job_ad_information_attrs',
]);

/** Lines whose key condor_submit neither knows nor uses as a macro: it warns about them. */
export function unusedLines(text: string): string[] {
  const lines = logicalLines(text);
  const used = new Set([...text.matchAll(/\$\(([^):]+)/g)].map((m) => m[1]!.toLowerCase()));
  return lines.filter((line) => {
    const m = /^([A-Za-z_][\w]*)\s*=/.exec(line);
    return m !== null && !/^queue\b/i.test(line) && !KNOWN_KEYS.has(m[1]!.toLowerCase()) && !used.has(m[1]!.toLowerCase());
  });
}

export function parseSubmitDescription(text: string, env: NodeJS.ProcessEnv, commandLineAssignments: readonly string[] = []): ProcSettings[] {
  const settings = new Map<string, string>();
  const custom = new Map<string, string>();
  const procs: ProcSettings[] = [];
  const lines = [...commandLineAssignments, ...logicalLines(text)];
  while (lines.length > 0) {
    const line = lines.shift()!;
    const queue = /^queue\b(.*)$/i.exec(line);
    if (queue) {
      const statement = parseQueue(queue[1]!, lines);
      const items = statement.items ?? [[]];
      items.forEach((item, itemIndex) => {
        for (let step = 0; step < statement.count; step++) {
          const process = procs.length;
          const local: Record<string, string> = {
            process: String(process), procid: String(process), step: String(step), itemindex: String(itemIndex), row: String(itemIndex),
          };
          statement.vars.forEach((v, i) => (local[v] = item[i] ?? ''));
          const lookup = (name: string) => local[name] ?? settings.get(name);
          const values: Record<string, string> = {};
          for (const [key, value] of settings) values[key] = expandMacros(value, lookup, env);
          const attrs: Record<string, string> = {};
          for (const [key, value] of custom) attrs[key] = expandMacros(value, lookup, env);
          procs.push({ values, custom: attrs });
        }
      });
      continue;
    }
    const assignment = /^(\+|MY\.)?([A-Za-z_][\w.]*)\s*=\s*(.*)$/i.exec(line);
    if (!assignment) throw new SubmitError(`ERROR: on Line: unrecognized statement: ${line}`);
    if (assignment[1]) custom.set(assignment[2]!, assignment[3]!);
    else settings.set(assignment[2]!.toLowerCase(), assignment[3]!);
  }
  return procs;
}

export function expandCluster(text: string, cluster: number): string {
  return text.replace(CLUSTER_MACROS, String(cluster));
}

/** A proc's settings with the cluster id in place of `$(Cluster)`/`$(ClusterId)`, in every value and custom attribute. */
export function withCluster(settings: ProcSettings, cluster: number): ProcSettings {
  const expand = (record: Record<string, string>) =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, expandCluster(value, cluster)]));
  return { values: expand(settings.values), custom: expand(settings.custom) };
}
