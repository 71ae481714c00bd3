import { describe, expect, it } from 'vitest';
import {
  CONDOR_ATTRIBUTES,
  condorArguments,
  condorState,
  historyConstraint,
  htcondor,
  parseCondorJson,
  submitDescription,
  submitValue,
} from '../../src/queues/htcondor/commands.js';
import { CommandOutputError, HistoryUnavailableError, type SubmitRequest } from '../../src/queues/queue.js';
import { fixture, fixtureResult } from '../helpers/fixtures.js';
import { brief, cancelVerdicts, commandResult, submitRequest } from '../helpers/flavor-tests.js';

const cmd = (name: string) => `/usr/bin/${name}`;

const request = submitRequest({ resources: { account: 'group_physics.alice' } });

/**
 * HTCondor's "new" argument syntax, as the condor_submit manual states its rules: the whole in
 * double quotes, "" for a literal double quote, whitespace separates, single quotes group, ''
 * inside single quotes for a literal single quote. A reference reader to check our writer.
 */
function readNewSyntax(value: string): string[] {
  expect(value.startsWith('"') && value.endsWith('"')).toBe(true);
  const body = value.slice(1, -1).replace(/""/g, '"');
  const args: string[] = [];
  let current: string | undefined;
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === "'" && body[i + 1] === "'") {
        current += "'";
        i++;
      } else if (c === "'") quoted = false;
      else current += c;
    } else if (c === "'") {
      quoted = true;
      current ??= '';
    } else if (c === ' ' || c === '\t') {
      if (current !== undefined) args.push(current);
      current = undefined;
    } else current = (current ?? '') + c;
  }
  if (current !== undefined) args.push(current);
  return args;
}

describe('htcondor flavor: submit', () => {
  it('sends the submit description on stdin to condor_submit -terse', () => {
    const line = htcondor.submitCommand({ ...request, submitArgs: ['-name', 'schedd2'] }, cmd);
    expect(line.file).toBe('/usr/bin/condor_submit');
    expect(line.args).toEqual(['-terse', '-name', 'schedd2', '-']);
    expect(line.input).toBe(submitDescription(request));
  });

  it('writes the whole submit description', () => {
    expect(submitDescription(request)).toBe(
      [
        'universe = vanilla',
        'executable = /bin/bash',
        'transfer_executable = false',
        `arguments = "'/w/run/job.sh' '--chunks' '0-2,5' '--index' $(Process)"`,
        'environment = "QMR_JOB_ID=$(Cluster).$(Process)"',
        'initialdir = /w',
        'output = /w/run/logs/scheduler/condor-$(Cluster).$(Process).out',
        'error = /w/run/logs/scheduler/condor-$(Cluster).$(Process).err',
        'log = /w/run/logs/scheduler/condor-$(Cluster).log',
        'getenv = false',
        'should_transfer_files = NO',
        'batch_name = "qmr-abc"',
        'request_cpus = 2',
        'request_memory = 2048',
        'periodic_remove = (JobStatus == 2) && (time() - JobCurrentStartDate > 90)',
        'accounting_group = group_physics.alice',
        'queue 4',
        '',
      ].join('\n'),
    );
    expect(submitDescription({ ...request, chunks: [9], array: false, resources: {} })).toContain('\nqueue 1\n');
  });

  it('quotes arguments in the new syntax so that any path arrives as one argument', () => {
    const nasty = `/w/my run/it's "odd"/job.sh`;
    const value = condorArguments([nasty, '--chunks', '0-3,7', '--index', { macro: '$(Process)' }]);
    expect(value).toBe(`"'/w/my run/it''s ""odd""/job.sh' '--chunks' '0-3,7' '--index' $(Process)"`);
    expect(readNewSyntax(value)).toEqual([nasty, '--chunks', '0-3,7', '--index', '$(Process)']);
  });

  it('writes a literal $ as $(DOLLAR) and refuses line breaks', () => {
    expect(submitValue('/w/$HOME/x')).toBe('/w/$(DOLLAR)HOME/x');
    expect(condorArguments(['/w/$x/job.sh'])).toBe(`"'/w/$(DOLLAR)x/job.sh'"`);
    expect(() => submitDescription({ ...request, workingDir: '/w\nqueue 1000' })).toThrow(/line break/);
  });

  it('reads the job ids from -terse output, tolerating warnings', () => {
    expect(htcondor.parseSubmitOutput(fixtureResult('htcondor', 'condor_submit-terse.txt', 0), { ...request, chunks: [0, 1, 2] })).toEqual([
      '4711.0', '4711.1', '4711.2',
    ]);
    expect(htcondor.parseSubmitOutput(fixtureResult('htcondor', 'condor_submit-terse-one.txt', 0), { ...request, chunks: [4], array: false })).toEqual([
      '4712.0',
    ]);
    const ten = Array.from({ length: 10 }, (_, i) => i);
    expect(htcondor.parseSubmitOutput(fixtureResult('htcondor', 'condor_submit-terse-warning.txt', 0), { ...request, chunks: ten })).toHaveLength(10);
    expect(() => htcondor.parseSubmitOutput(fixtureResult('htcondor', 'condor_submit-terse.txt', 0), request)).toThrow(/for 4 chunks/);
    expect(() => htcondor.parseSubmitOutput(fixtureResult('htcondor', 'condor_submit-error.txt', 1), request)).toThrow(/no job id/);
  });

  it('passes the index explicitly and takes the job id from the environment line', () => {
    expect(htcondor.convention).toEqual({ indexExpression: '', indexBase: 0, jobIdExpression: '${QMR_JOB_ID:-unknown}' });
  });
});

describe('htcondor flavor: status (condor_q -json shaped as the manual shows it)', () => {
  it('asks one condor_q for the clusters of the tracked jobs', () => {
    expect(htcondor.statusCommands(['4711.0', '4711.1', '4712.0'], cmd)).toEqual([
      { file: '/usr/bin/condor_q', args: ['-json', '-attributes', CONDOR_ATTRIBUTES, '4711', '4712'] },
    ]);
  });

  it('maps every JobStatus, hold code and exit', () => {
    expect(brief(htcondor.parseStatusOutput(fixtureResult('htcondor', 'condor_q-json-mixed.json', 0), []))).toEqual({
      '4711.0': 'pending:Idle',
      '4711.1': 'running:Running',
      '4711.2': 'finished:Completed:success',
      '4711.3': 'finished:Completed:failure',
      '4711.4': 'finished:Completed:failure', // ExitBySignal
      '4711.5': 'held:Held', // HoldReasonCode 1: condor_hold
      '4711.6': 'error:Held:fatal', // 34: over its memory request
      '4711.7': 'error:Held', // 6: could not start the executable
      '4711.8': 'running:Transferring output',
      '4711.9': 'suspended:Suspended',
      '4711.10': 'finished:Removed:failure', // someone ran condor_rm
      '4711.11': 'finished:Removed:failure:fatal', // our walltime policy
      '4711.12': 'held:Held', // 15: submitted on hold
    });
  });

  it('keeps the hold reason', () => {
    const statuses = parseCondorJson(fixture('htcondor', 'condor_q-json-mixed.json'));
    expect(statuses.get('4711.6')?.reason).toMatch(/memory limit.*\(HoldReasonCode 34\)$/);
  });

  it('reads EMPTY output (not []) as no jobs', () => {
    expect(htcondor.parseStatusOutput(fixtureResult('htcondor', 'condor_q-json-empty.txt', 0), ['4799.0']).size).toBe(0);
    expect(parseCondorJson('[\n]\n').size).toBe(0);
  });

  it('reports an unreachable schedd and broken JSON as a failed status command', () => {
    expect(() => htcondor.parseStatusOutput(fixtureResult('htcondor', 'condor_q-schedd-down.txt', 1), ['4711.0'])).toThrow(CommandOutputError);
    expect(() => parseCondorJson('[\n{\n  "ClusterId": 4711,\n')).toThrow(CommandOutputError);
  });

  it('maps an unknown JobStatus to stalled', () => {
    expect(condorState({ ClusterId: 1, ProcId: 0, JobStatus: 9 }).state).toBe('stalled');
  });
});

describe('htcondor flavor: history', () => {
  it('asks condor_history for exactly the given jobs, stopping once all are found', () => {
    expect(historyConstraint(['4711.2', '4711.11', '4712.0'])).toBe('(ClusterId == 4711 && (ProcId == 2 || ProcId == 11)) || (ClusterId == 4712 && (ProcId == 0))');
    expect(htcondor.historyCommands!(['4711.2', '4711.11'], cmd)).toEqual([
      {
        file: '/usr/bin/condor_history',
        args: ['-json', '-attributes', CONDOR_ATTRIBUTES, '-match', '2', '-constraint', '(ClusterId == 4711 && (ProcId == 2 || ProcId == 11))'],
      },
    ]);
  });

  it('reads final states, and says so when the site keeps no history', () => {
    expect(brief(htcondor.parseHistoryOutput!(fixtureResult('htcondor', 'condor_history-json.json', 0), ['4711.2', '4711.11']))).toEqual({
      '4711.2': 'finished:Completed:success',
      '4711.11': 'finished:Removed:failure:fatal',
    });
    expect(htcondor.parseHistoryOutput!(fixtureResult('htcondor', 'condor_q-json-empty.txt', 0), ['4711.3']).size).toBe(0);
    expect(() => htcondor.parseHistoryOutput!(fixtureResult('htcondor', 'condor_history-no-history-file.txt', 1), ['4711.3'])).toThrow(
      HistoryUnavailableError,
    );
  });
});

describe('htcondor flavor: cancel', () => {
  it('removes the given jobs', () => {
    expect(htcondor.cancelCommands(['4711.3', '4711.4'], cmd)).toEqual([{ file: '/usr/bin/condor_rm', args: ['4711.3', '4711.4'] }]);
  });

  it('counts removed and unknown jobs as cancelled, an unreachable schedd as a failure', () => {
    const answers = [['condor_rm-cluster.txt', 0], ['condor_rm-job.txt', 0], ['condor_rm-old-style.txt', 0], ['condor_rm-unknown.txt', 1], ['condor_rm-schedd-down.txt', 1]] as const;
    expect(cancelVerdicts(htcondor, 'htcondor', answers)).toEqual([false, false, false, false, true]);
  });
});

describe('htcondor flavor: documented shapes no other test shows (condor_q, condor_history, condor_submit manuals)', () => {
  const result = (stdout: string, exitCode = 0, stderr = '') => commandResult('condor_q', stdout, exitCode, stderr);

  it('reads every form of "no job matched": empty, blank lines, [] and [ ] over lines, with CRLF', () => {
    for (const stdout of ['', '\n\n', '[]\n', '[\n]\n', '[\r\n]\r\n', ' \r\n']) {
      expect(htcondor.parseStatusOutput(result(stdout), ['4799.0']).size, JSON.stringify(stdout)).toBe(0);
      expect(htcondor.parseHistoryOutput!(result(stdout), ['4799.0']).size, JSON.stringify(stdout)).toBe(0);
    }
  });

  it('reads condor_history -jsonl (one ad per line) as well as -json', () => {
    expect(brief(htcondor.parseHistoryOutput!(fixtureResult('htcondor', 'condor_history-jsonl.txt', 0), ['4711.2', '4711.3', '4711.11']))).toEqual({
      '4711.2': 'finished:Completed:success',
      '4711.3': 'finished:Completed:failure',
      '4711.11': 'finished:Removed:failure',
    });
  });

  it('reports output that is not JSON at all (-af lines) as a failed command, not as "no jobs"', () => {
    expect(() => htcondor.parseStatusOutput(fixtureResult('htcondor', 'condor_q-af-j.txt', 0), ['4711.0'])).toThrow(CommandOutputError);
  });

  it('tolerates CRLF and warning lines, bracketed or not, around the JSON', () => {
    const json = fixture('htcondor', 'condor_q-json-mixed.json').replace(/\n/g, '\r\n');
    const text = `[WARN] condor_q: using the local schedd\r\n${json}\r\n\r\nnote: see [condor_q -help]\r\n`;
    expect(brief(htcondor.parseStatusOutput(result(text), []))['4711.6']).toBe('error:Held:fatal');
  });

  it('reads -terse ids with lines after them and with CRLF', () => {
    expect(htcondor.parseSubmitOutput(fixtureResult('htcondor', 'condor_submit-terse-trailing.txt', 0), { ...request, chunks: [0, 1, 2] })).toEqual([
      '4713.0', '4713.1', '4713.2',
    ]);
    expect(htcondor.parseSubmitOutput(result('4714.0 - 4714.0\r\n'), { ...request, chunks: [3], array: false })).toEqual(['4714.0']);
  });

  it('refuses several clusters for one array, naming them so they can be removed', () => {
    const run = () => htcondor.parseSubmitOutput(fixtureResult('htcondor', 'condor_submit-terse-two-clusters.txt', 0), request);
    expect(run).toThrow(/2 clusters/);
    expect(run).toThrow(/condor_rm 4720 4721/);
  });

  it('reads the default output (`N job(s) submitted to cluster C.`) should -terse be dropped by a wrapper', () => {
    expect(htcondor.parseSubmitOutput(fixtureResult('htcondor', 'condor_submit-default.txt', 0), { ...request, chunks: [0, 1, 2] })).toEqual([
      '4722.0', '4722.1', '4722.2',
    ]);
    expect(() => htcondor.parseSubmitOutput(fixtureResult('htcondor', 'condor_submit-default.txt', 0), request)).toThrow(/for 4 chunks/);
  });
});

/**
 * The fileTransfer mode's submit description, checked against what the condor_submit manual
 * documents for each command (HTCondor 23/24, "Submitting Jobs Without a Shared File System" and
 * the condor_submit command reference): should_transfer_files YES | NO | IF_NEEDED;
 * when_to_transfer_output ON_EXIT | ON_EXIT_OR_EVICT | ON_SUCCESS; transfer_input_files a
 * comma-separated list, relative paths taken from initialdir, a trailing / sending a folder's
 * contents; transfer_output_files the same, output placed in initialdir under its base name;
 * transfer_output_remaps a quoted list of `name = newname` separated by semicolons. And the hold
 * codes of transfer failures: 12 TransferOutputError, 13 TransferInputError (the manual's hold
 * reason table, condor_holdcodes.h).
 */
describe('htcondor flavor: file transfer (fileTransfer option)', () => {
  const transferRequest: SubmitRequest = {
    ...request,
    chunks: [3, 4, 9],
    fileTransfer: { runDir: '/w/my run', inputFiles: ['/home/alice/setup.sh', '/data/tables/'], keptResults: new Map([[4, 'kept/results/chunk-000004.result']]) },
  };
  const lines = submitDescription(transferRequest).split('\n');
  const value = (key: string) => lines.find((l) => l.startsWith(`${key} = `))?.slice(key.length + 3);

  it('transfers job.sh, function.json, the chunk file, the worker, the module folder and the user files; sends back qmr-out/ into results/ and logs/', () => {
    expect(value('should_transfer_files')).toBe('YES');
    expect(['ON_EXIT', 'ON_EXIT_OR_EVICT', 'ON_SUCCESS']).toContain(value('when_to_transfer_output'));
    expect(value('when_to_transfer_output')).toBe('ON_EXIT');
    expect(value('executable')).toBe('/w/run/job.sh');
    expect(value('transfer_executable')).toBe('true');
    expect(value('initialdir')).toBe('/w/my run');
    // job.sh gets no path: the chunk comes from the list and $(Process).
    expect(readNewSyntax(value('arguments')!)).toEqual(['--chunks', '3-4,9', '--index', '$(Process)']);
    const inputs = value('transfer_input_files')!.split(',').map((f) => f.trim());
    expect(inputs).toEqual(['function.json', 'chunks/$(qmr_chunk).tasks', 'qmr-worker', 'qmr-module/', '/home/alice/setup.sh', '/data/tables/', '$(qmr_kept)']);
    expect(value('transfer_output_files')).toBe('qmr-out/');
    const remaps = /^"(.*)"$/.exec(value('transfer_output_remaps')!)![1]!.split(';').map((r) => r.split('=').map((s) => s.trim()));
    expect(remaps).toEqual([
      ['$(qmr_chunk).result', 'results/$(qmr_chunk).result'],
      ['$(qmr_chunk).out', 'logs/$(qmr_chunk).out'],
      ['$(qmr_chunk).err', 'logs/$(qmr_chunk).err'],
    ]);
    // One job per chunk, in chunk order, each naming its chunk file and, for a rerun of its failed
    // tasks, its kept result (the others leave the field, and so the last input, empty).
    expect(lines.slice(lines.indexOf('queue qmr_chunk, qmr_kept from ('))).toEqual([
      'queue qmr_chunk, qmr_kept from (',
      'chunk-000003,',
      'chunk-000004, kept/results/chunk-000004.result',
      'chunk-000009,',
      ')',
      '',
    ]);
    expect(lines.filter((l) => l.startsWith('queue'))).toHaveLength(1);
    expect(lines).not.toContain('should_transfer_files = NO');
  });

  it('keeps the shared file system description without the option', () => {
    expect(submitDescription(request)).toContain('should_transfer_files = NO');
    expect(submitDescription(request)).not.toMatch(/transfer_(input|output)_files/);
  });

  it('tells transfer holds (12 output, 13 input) from user holds and from limits: an error, resubmitted, named as a transfer failure', () => {
    const input = condorState({ JobStatus: 5, HoldReasonCode: 13, HoldReason: 'Transfer input files failure at execution point slot1@x: reading from file /d: (errno 2) No such file or directory' });
    expect(input).toMatchObject({ state: 'error', native: 'Held' });
    expect(input.reason).toMatch(/^input file transfer failed: Transfer input files failure.*\(HoldReasonCode 13\)$/);
    const output = condorState({ JobStatus: 5, HoldReasonCode: 12, HoldReason: 'Transfer output files failure' });
    expect(output.reason).toMatch(/^output file transfer failed: .*\(HoldReasonCode 12\)$/);
    for (const status of [input, output]) {
      expect(status.fatal).toBeUndefined();
      expect(status.limit).toBeUndefined();
    }
    expect(condorState({ JobStatus: 5, HoldReasonCode: 1, HoldReason: 'via condor_hold' }).state).toBe('held');
    expect(condorState({ JobStatus: 5, HoldReasonCode: 34 })).toMatchObject({ state: 'error', fatal: true, limit: 'memory' });
  });
});
