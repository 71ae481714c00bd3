/**
 * The facts the docs repeat from the code, held to the code: the options table of docs/options.md
 * against src/options.ts's resolver table (every option, none extra, the same defaults), each
 * flavor's state table against its state parser (every state a table names is parsed, and the
 * JobState the table gives is the one the parser returns), and the trace columns of
 * docs/trace-and-report.md and `qmr trace --help` against src/trace/trace-tsv.ts; the README's
 * two commands and docs/testing.md's test projects against package.json, .ci/run and test/projects.ts.
 */
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRACE_HELP } from '../../src/cli/help.js';
import { CHUNKS_PER_SLOT, MAX_CHUNKS, STREAM_FIRST_CHUNK, STREAM_MAX_CHUNK } from '../../src/map/chunking.js';
import { CLAIM_TARGET_SECONDS, SHARE_DIVISOR, WALLTIME_MARGIN_SECONDS, WALLTIME_MARGIN_SHARE } from '../../src/protocol/elastic/claim-size.js';
import { BULK_FACTOR, BULK_SHARE, DEFAULT_MAX_WORKERS, MAX_UNITS, STREAM_FIRST_UNIT, STREAM_MAX_UNIT, UNITS_PER_WORKER, UNKNOWN_SLOTS } from '../../src/elastic/plan.js';
import { FAR_ABOVE_CLAIMS } from '../../src/elastic/worker-target.js';
import { READ_ERROR_WARNING_MS, UNREADABLE_RESULT_GRACE_MS } from '../../src/map/result-collector.js';
import { LOCK_REFRESH_MS, OTHER_HOST_GRACE_MS } from '../../src/work-dir/work-dir-lock.js';
import { resolveOptions } from '../../src/options.js';
import { FLAVORS } from '../../src/queues/flavor-names.js';
import { captureEnvironment } from '../../src/queues/job-environment.js';
import { flavorDefinitions } from '../../src/queues/registry.js';
import { condorState } from '../../src/queues/htcondor/commands.js';
import { lsfState } from '../../src/queues/lsf/commands.js';
import { pbsState } from '../../src/queues/pbs/commands.js';
import type { JobStatus } from '../../src/queues/queue.js';
import { sgeState } from '../../src/queues/sge/commands.js';
import { parseSacctOutput, slurmState } from '../../src/queues/slurm/commands.js';
import { resolveRetry } from '../../src/map/retry-policy.js';
import { FAILURE_CAUSES } from '../../src/trace/failure-cause.js';
import { TRACE_FIELDS } from '../../src/trace/trace-tsv.js';
import { workerNodeFlags } from '../../src/worker-launch/worker-node-flags.js';
import { TEST_PROJECTS } from '../projects.js';
import { codeSpans, documentationFiles, readDoc, ROOT, table, type TableRow } from '../helpers/markdown.js';

describe('docs/options.md', () => {
  const cwd = '/some/project';
  const resolved = resolveOptions({}, cwd) as Record<string, unknown>;
  const rows = table(readDoc('docs/options.md'), 'option');
  const name = (row: TableRow) => codeSpans(row[0]!)[0]!;

  it('lists every option of the resolver table, in its order, and no other', () => {
    expect(rows.map(name)).toEqual(Object.keys(resolved));
  });

  /** Defaults applied after resolution (the resolver leaves them undefined). */
  const LATER_DEFAULTS: Record<string, unknown> = { maxWorkers: DEFAULT_MAX_WORKERS };
  /** Defaults the table gives in words: what each stands for. */
  const WORDED_DEFAULTS: Record<string, unknown> = {
    workDir: undefined, // ./.qmr/<run id>, made when the map starts
    chunkSize: undefined, // chosen
    numChunks: undefined,
    retry: resolveRetry(undefined),
    executable: [process.execPath, ...workerNodeFlags(process.execArgv)],
    workingDir: cwd,
    concurrency: availableParallelism(),
    maxArraySize: undefined, // read from the scheduler
    progress: process.stderr.isTTY === true,
  };

  it.each(rows.map((row) => [name(row), row[1]!] as const))('the default of %s is the resolver\'s', (option, cell) => {
    const actual = resolved[option];
    if (cell === 'none') return expect(actual).toBeUndefined();
    const spans = codeSpans(cell);
    const literal = spans.length === 1 && cell === `\`${spans[0]}\`` ? jsLiteral(spans[0]!) : NOT_A_LITERAL;
    if (literal === NOT_A_LITERAL) {
      expect(Object.keys(WORDED_DEFAULTS), `a worded default for ${option} ("${cell}") needs its meaning in WORDED_DEFAULTS`).toContain(option);
      return expect(actual).toEqual(WORDED_DEFAULTS[option]);
    }
    expect(actual === undefined ? LATER_DEFAULTS[option] : actual).toEqual(literal);
  });

  it('the flavor row names every flavor and auto', () => {
    const flavorRow = rows.find((row) => name(row) === 'flavor')!;
    const names = codeSpans(flavorRow[2]!).map(jsLiteral).filter((v) => typeof v === 'string');
    expect(new Set(names)).toEqual(new Set([...FLAVORS, 'auto']));
  });

  it('the exportEnv row names the variables job.sh does not copy: every flavor\'s per-job prefixes, and none it copies', () => {
    const cell = rows.find((row) => name(row) === 'exportEnv')![2]!;
    const spans = codeSpans(cell).filter((s) => /^[A-Z_]+$/.test(s));
    const prefixes = spans.filter((s) => s.endsWith('_'));
    for (const definition of flavorDefinitions()) {
      for (const prefix of definition.jobEnvironment.prefixes) expect(prefixes, `${definition.traits.name}'s ${prefix}`).toContain(prefix);
    }
    // Each one named (a prefix, with a name under it) is left out of what job.sh restores.
    const named = Object.fromEntries(spans.map((s) => [s.endsWith('_') ? `${s}EXAMPLE` : s, 'from the caller']));
    expect(captureEnvironment({ ...named, MY_DATA: 'kept' }, true)).toEqual({ MY_DATA: 'kept' });
  });

  it("the README's common options say what docs/options.md says", () => {
    const full = new Map(rows.map((row) => [name(row), row[1]!]));
    for (const row of table(readDoc('README.md'), 'option')) {
      const names = codeSpans(row[0]!);
      for (const option of names) expect(full.has(option), `README names an option ${option}`).toBe(true);
      const literal = codeSpans(row[1]!);
      // A default given as one value must be the same value; worded ones may say it differently.
      if (names.length === 1 && literal.length === 1 && row[1] === `\`${literal[0]}\``) expect(row[1]).toBe(full.get(names[0]!));
      // "none" for an option whose default is nothing, or empty.
      if (names.length === 1 && row[1] === 'none') expect(['none', '`{}`', '`[]`']).toContain(full.get(names[0]!));
    }
  });
});

const NOT_A_LITERAL = Symbol('not a literal');
/** `'local'`, `10`, `true`, `{}`, `[]` as values; anything else (a path, a call) is not a literal. */
function jsLiteral(text: string): unknown {
  if (!/^('[^']*'|-?\d+|true|false|\{\}|\[\])$/.test(text)) return NOT_A_LITERAL;
  return JSON.parse(text.replace(/^'(.*)'$/, '"$1"'));
}

/**
 * The JobState column: `state[, success|failure][, fatal][, memory|walltime]` (a limit implies
 * fatal: the flavor says the same job would fail again, and retry by cause raises the request).
 */
function expectedStatus(cell: string): Pick<JobStatus, 'state' | 'outcome' | 'fatal' | 'limit'> | undefined {
  if (cell === '-') return undefined;
  const [state, ...flags] = codeSpans(cell)[0]!.split(/,\s*/);
  const limit = flags.find((f) => f === 'memory' || f === 'walltime') as JobStatus['limit'];
  const outcome = flags.find((f) => f === 'success' || f === 'failure') as JobStatus['outcome'];
  return { state: state as JobStatus['state'], outcome, fatal: flags.includes('fatal') || limit !== undefined, limit };
}

const reduced = (s: JobStatus) => ({ state: s.state, outcome: s.outcome, fatal: s.fatal === true, limit: s.limit });

/** What a row's first cell names, parsed by the flavor's own code: one [label, status] per case. */
type RowParser = (spans: string[], cell: string) => Array<[string, JobStatus]>;

const isSlurmState = (word: string) => /^[A-Z_]+( by \d+)?$/.test(word);
const PBS_DIALECTS = ['torque', 'pro', 'slurm'] as const;

const PARSERS: Record<Exclude<(typeof FLAVORS)[number], 'local'>, RowParser> = {
  sge: (spans) => spans.map((letters) => [letters, sgeState(letters)]),
  slurm: (spans) => {
    // A state word, then the reasons (squeue %r) it is listed with; `CANCELLED by UID` as sacct prints it.
    const cases: Array<[string, JobStatus]> = [];
    spans.forEach((word, i) => {
      if (word.includes('…')) return; // a pattern, with examples beside it
      if (isSlurmState(word)) {
        if (spans[i + 1] !== undefined && !isSlurmState(spans[i + 1]!)) return; // its reasons follow
        if (word.includes(' by ')) cases.push([word, parseSacctOutput(`4711|${word}|0:0\n`).get('4711')!]);
        else cases.push([word, slurmState(word, '')]);
        return;
      }
      const state = spans.slice(0, i).reverse().find(isSlurmState) ?? 'PENDING';
      cases.push([`${state} (${word})`, slurmState(state, word)]);
    });
    return cases;
  },
  pbs: (spans) => {
    const named = PBS_DIALECTS.filter((d) => spans.includes(d));
    const dialects = named.length > 0 ? named : PBS_DIALECTS;
    const letters = spans.filter((s) => /^[A-Z]$/.test(s));
    const exits = spans.filter((s) => /^-?\d+$/.test(s)).map(Number);
    return dialects.flatMap((dialect) =>
      letters.flatMap((letter) =>
        (exits.length > 0 ? exits : [undefined]).map((exit): [string, JobStatus] => [`${dialect} ${letter} ${exit ?? ''}`, pbsState(dialect, letter, exit)]),
      ),
    );
  },
  lsf: (spans) => {
    const reasons = spans.filter((s) => s.startsWith('TERM_'));
    const stats = spans.filter((s) => /^[A-Z_]+$/.test(s) && !s.startsWith('TERM_'));
    return stats.flatMap((STAT) =>
      (reasons.length > 0 ? reasons : [undefined]).map((EXIT_REASON): [string, JobStatus] => [`${STAT} ${EXIT_REASON ?? ''}`, lsfState({ STAT, EXIT_REASON })]),
    );
  },
  htcondor: (spans) => {
    // JobStatus numbers; for 5 (Held) the numbers after it are HoldReasonCodes, for 4 (Completed) ExitCodes.
    const numbers = spans.filter((s) => /^\d+$/.test(s)).map(Number);
    const extra = {
      ...(spans.includes('ExitBySignal') ? { ExitBySignal: true } : {}),
      ...(spans.includes('PeriodicRemove') ? { RemoveReason: 'The job attribute PeriodicRemove expression evaluated to TRUE' } : {}),
    };
    const [first, ...codes] = numbers;
    if ((first === 4 || first === 5) && codes.length > 0) {
      const field = first === 5 ? 'HoldReasonCode' : 'ExitCode';
      return codes.map((code) => [`${first} ${field} ${code}`, condorState({ JobStatus: first, [field]: code, ...extra })]);
    }
    return numbers.map((n) => [`${n}`, condorState({ JobStatus: n, ...extra })]);
  },
};

describe('flavor state tables', () => {
  it('every flavor has a page', () => {
    const pages = readdirSync(path.join(ROOT, 'docs', 'queues')).filter((f) => f.endsWith('.md')).map((f) => f.replace(/\.md$/, ''));
    expect(new Set(pages)).toEqual(new Set(FLAVORS));
  });

  for (const [flavor, parse] of Object.entries(PARSERS)) {
    it(`docs/queues/${flavor}.md gives the JobState that ${flavor}'s parser returns for every state it names`, () => {
      const rows = table(readDoc(`docs/queues/${flavor}.md`), (readDoc(`docs/queues/${flavor}.md`).match(/^\| ([^|]+) \| JobState \|/m) ?? [])[1]!.replace(/`/g, ''));
      let checked = 0;
      for (const row of rows) {
        const expected = expectedStatus(row[1]!);
        if (!expected) continue;
        const cases = parse(codeSpans(row[0]!), row[0]!);
        expect(cases.length, `row "${row[0]}" names no state the test can parse`).toBeGreaterThan(0);
        for (const [label, status] of cases) expect(reduced(status), `${flavor} ${label} (row "${row[0]}")`).toEqual(expected);
        checked += cases.length;
      }
      expect(checked).toBeGreaterThan(5);
    });
  }

  it('docs/queues/local.md names the states the local queue sets', () => {
    const folder = path.join(ROOT, 'src', 'queues', 'local');
    const source = readdirSync(folder).map((f) => readFileSync(path.join(folder, f), 'utf8')).join('\n');
    const rows = table(readDoc('docs/queues/local.md'), 'state (the job\'s native word)');
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      const [native] = codeSpans(row[0]!);
      const { state, outcome } = expectedStatus(row[1]!)!;
      // The status literal that sets this state (`{ state: 'pending', native: 'waiting for a free core' }`).
      const literal = new RegExp(`state: '${state}', native: \`?'?${native}[^\n]*${outcome ? `outcome: '${outcome}'` : ''}`);
      expect(source, `local sets ${native} as ${state}`).toMatch(literal);
    }
  });
});

describe('trace columns', () => {
  it('docs/trace-and-report.md lists the columns of trace-tsv.ts, in order', () => {
    const rows = table(readDoc('docs/trace-and-report.md'), 'column');
    expect(rows.map((row) => codeSpans(row[0]!)[0])).toEqual([...TRACE_FIELDS]);
    const cause = rows.find((row) => row[0] === '`cause`')!;
    expect(codeSpans(cause[1]!)).toEqual([...FAILURE_CAUSES]);
  });

  it('qmr trace --help names every column, in order', () => {
    const positions = TRACE_FIELDS.map((field) => TRACE_HELP.search(new RegExp(`(^|[\\s(,])${field}($|[\\s:;.,)])`, 'm')));
    expect(positions.every((p) => p >= 0), `missing: ${TRACE_FIELDS.filter((_, i) => positions[i]! < 0).join(', ')}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});

describe('commands the docs give', () => {
  it("the README's two commands are package.json's demo script and .ci/run", () => {
    const rows = table(readDoc('README.md'), 'what');
    expect(rows.map((row) => codeSpans(row[1]!)[0])).toEqual(['npm run demo', 'bash .ci/run']);
    const scripts = JSON.parse(readDoc('package.json')).scripts as Record<string, string>;
    // "sets up and runs the demo": it installs (npm ci builds through prepare) and runs the local demo map.
    expect(scripts.demo).toMatch(/^npm ci\b.*node examples\/demo\.mjs$/);
    expect(scripts.prepare).toBe('npm run build');
    const demo = readDoc('examples/demo.mjs');
    expect(demo).toContain("flavor: 'local'");
    // "counts primes in 40 tasks"
    const tasks = /counts primes in (\d+) tasks/.exec(rows[0]![0]!)?.[1];
    expect(demo).toContain(`Array.from({ length: ${tasks} }`);
    // "sets up and runs the whole suite, with real SGE and Slurm": installs, starts them, npm test.
    const ci = readDoc('.ci/run');
    for (const step of ['npm ci', 'bash scripts/schedulers-up.sh', 'QMR_REAL_SCHEDULERS=required', 'npm test']) expect(ci).toContain(step);
  });

  it("docs/testing.md's folders are in the vitest projects test/projects.ts makes", () => {
    const rows = table(readDoc('docs/testing.md'), 'folder');
    const documented = rows.map((row) => [codeSpans(row[0]!)[0], codeSpans(row[1]!)[0]]);
    const actual = Object.entries(TEST_PROJECTS).flatMap(([project, folders]) => folders.map((folder) => [folder, project]));
    expect(new Set(documented.map(String))).toEqual(new Set(actual.map(String)));
    for (const [folder] of documented) expect(existsSync(path.join(ROOT, folder!))).toBe(true);
  });
});

describe('numbers the docs quote from the code', () => {
  const n = (value: number) => value.toLocaleString('en-US');
  const words: Record<number, string> = { 2: 'two', 3: 'three', 4: 'four' };
  // [file, the sentence as the docs word it, built from the constant it quotes]
  const QUOTES: Array<[string, string]> = [
    ['docs/elastic-workers.md', `maps of up to ${UNITS_PER_WORKER} tasks per worker (and ${n(MAX_UNITS)} in all)`],
    ['docs/elastic-workers.md', `the first ${BULK_SHARE * 100}% of their tasks go in units ${BULK_FACTOR} times that size`],
    ['docs/elastic-workers.md', `go ${STREAM_FIRST_UNIT} to the first unit and twice as many to each next one, at most ${n(STREAM_MAX_UNIT)}`],
    ['docs/elastic-workers.md', `and ${UNKNOWN_SLOTS} is assumed`],
    ['docs/elastic-workers.md', `\`maxWorkers\` (${DEFAULT_MAX_WORKERS})`],
    ['docs/elastic-workers.md', `${FAR_ABOVE_CLAIMS} claim targets (${FAR_ABOVE_CLAIMS} × ${CLAIM_TARGET_SECONDS} s)`],
    ['docs/elastic-workers.md', `ceil(open work / ${FAR_ABOVE_CLAIMS * CLAIM_TARGET_SECONDS} s)`],
    ['docs/elastic-workers.md', `\`ceil(open units / (${SHARE_DIVISOR} × W))\``],
    ['docs/elastic-workers.md', `never more than ${CLAIM_TARGET_SECONDS} s of work`],
    ['docs/elastic-workers.md', `a margin of ${WALLTIME_MARGIN_SECONDS} s or ${WALLTIME_MARGIN_SHARE * 100} % of it, whichever is more`],
    ['docs/elastic-workers.md', `about ${words[CHUNKS_PER_SLOT]} chunks per slot`],
    ['docs/elastic-workers.md', `never more than ${n(MAX_CHUNKS)}; tasks from an iterable of unknown length go ${STREAM_FIRST_CHUNK} to the first chunk`],
    ['docs/elastic-workers.md', `at most ${n(STREAM_MAX_CHUNK)}.`],
    ['README.md', `\`maxWorkers\` (${DEFAULT_MAX_WORKERS})`],
    ['README.md', `and ${UNKNOWN_SLOTS} is assumed`],
    ['README.md', `than ${FAR_ABOVE_CLAIMS} claims' worth (${FAR_ABOVE_CLAIMS} × ${CLAIM_TARGET_SECONDS} s) of open work ahead, the pool grows W to ceil(open work / ${FAR_ABOVE_CLAIMS * CLAIM_TARGET_SECONDS} s)`],
    ['docs/work-dir.md', `file every ${LOCK_REFRESH_MS / 1000} s while the map runs`],
    ['docs/work-dir.md', `**${OTHER_HOST_GRACE_MS / 60_000} minutes**`],
    ['docs/flavors.md', `is read again for ${UNREADABLE_RESULT_GRACE_MS / 1000} s`],
    ['docs/flavors.md', `after ${READ_ERROR_WARNING_MS / 1000} s a warning`],
  ];
  it.each(QUOTES)('%s says: %s', (file, sentence) => {
    expect(readDoc(file).replace(/\s+/g, ' ')).toContain(sentence);
  });
});

describe('paths the docs name', () => {
  it('every src/, test/ and scripts/ path in the README and docs/ exists (update the docs when a file moves)', () => {
    const missing: string[] = [];
    for (const file of documentationFiles()) {
      for (const m of readDoc(file).matchAll(/`((?:src|test|scripts|bench|dummy-queue)\/[\w./<>-]*?)\/?`/g)) {
        const named = m[1]!;
        if (/[<>*]/.test(named)) continue; // a pattern (src/queues/<flavor>), not a path
        if (!existsSync(path.join(ROOT, named))) missing.push(`${file}: ${named}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every relative link in the README and docs/ leads to a file that exists, and to a heading it has', () => {
    // Pages linked ahead of their writing (issue 17 item 2 writes adding-a-flavor.md): drop each once it is there.
    const COMING = new Set<string>();
    const broken: string[] = [];
    for (const file of documentationFiles()) {
      for (const m of readDoc(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
        const [relative, anchor] = target.split('#') as [string, string | undefined];
        const linked = relative === '' ? file : path.join(path.dirname(file), relative);
        if (!existsSync(path.join(ROOT, linked))) {
          if (COMING.has(linked)) continue;
          broken.push(`${file}: ${target}`);
          continue;
        }
        if (anchor && linked.endsWith('.md') && !headingSlugs(readDoc(linked)).has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

/** GitHub's anchors for a Markdown text's headings: lower case, punctuation dropped, spaces as -. */
function headingSlugs(text: string): Set<string> {
  return new Set(
    [...text.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-')),
  );
}
