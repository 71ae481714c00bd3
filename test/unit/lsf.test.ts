import { describe, expect, it } from 'vitest';
import { BJOBS_FIELDS, lsf, lsfState, parseBjobsJson } from '../../src/queues/lsf/commands.js';
import { CommandOutputError } from '../../src/queues/queue.js';
import { fixture, fixtureResult } from '../helpers/fixtures.js';
import { brief, cancelVerdicts, commandResult, submitRequest } from '../helpers/flavor-tests.js';

const cmd = (name: string) => `/opt/lsf/bin/${name}`;

const request = submitRequest({ resources: { queue: 'normal' }, submitArgs: ['-R', 'select[type==X86_64]'] });

describe('lsf flavor: submit', () => {
  it('builds an array submission with job.sh and its chunk list as the command', () => {
    expect(lsf.submitCommand({ ...request, throttle: 3 }, cmd)).toEqual({
      file: '/opt/lsf/bin/bsub',
      args: [
        '-J', 'qmr-abc[1-4]%3', '-o', '/w/run/logs/scheduler/lsf-%J.%I.out', '-e', '/w/run/logs/scheduler/lsf-%J.%I.err',
        '-cwd', '/w',
        '-q', 'normal', '-P', 'proj', '-W', '2', '-n', '2', '-M', '2048MB', '-R', 'rusage[mem=1024] span[hosts=1]',
        '-R', 'select[type==X86_64]',
        '/w/run/job.sh', '--chunks', '0-2,5',
      ],
    });
  });

  it('builds a plain job without an index in its log names', () => {
    expect(lsf.submitCommand({ ...request, array: false, chunks: [7], resources: {}, submitArgs: [] }, cmd).args).toEqual([
      '-J', 'qmr-abc', '-o', '/w/run/logs/scheduler/lsf-%J.out', '-e', '/w/run/logs/scheduler/lsf-%J.err', '-cwd', '/w',
      '/w/run/job.sh', '--chunks', '7',
    ]);
  });

  it('reads the job id anywhere in bsub\'s output and names array elements from 1', () => {
    expect(lsf.parseSubmitOutput(fixtureResult('lsf', 'bsub.txt', 0), { ...request, array: false, chunks: [0] })).toEqual(['4711']);
    expect(lsf.parseSubmitOutput(fixtureResult('lsf', 'bsub-default-queue.txt', 0), { ...request, array: false, chunks: [0] })).toEqual(['12']);
    expect(lsf.parseSubmitOutput(fixtureResult('lsf', 'bsub-please-wait.txt', 0), request)).toEqual(['4712[1]', '4712[2]', '4712[3]', '4712[4]']);
    expect(() => lsf.parseSubmitOutput(fixtureResult('lsf', 'bsub-refused.txt', 255), request)).toThrow(/no job id/);
  });

  it('strips the 0 LSF puts in LSB_JOBINDEX of a plain job, so job.sh sees no index', () => {
    expect(lsf.convention.indexBase).toBe(1);
    expect(lsf.convention.indexExpression).toBe('${LSB_JOBINDEX#0}');
  });
});

describe('lsf flavor: status (bjobs -json shaped as IBM documents it)', () => {
  it('asks one bjobs for the arrays and jobs, finished ones included', () => {
    expect(lsf.statusCommands(['4712[1]', '4712[2]', '4711'], cmd)).toEqual([
      { file: '/opt/lsf/bin/bjobs', args: ['-o', BJOBS_FIELDS, '-json', '-a', '4712', '4711'] },
    ]);
  });

  it('maps every LSF state; unknown ids are gone', () => {
    expect(brief(parseBjobsJson(fixture('lsf', 'bjobs-json-mixed.json')))).toEqual({
      '4711': 'running:RUN',
      '4712[1]': 'finished:DONE:success',
      '4712[2]': 'finished:EXIT:failure',
      '4712[3]': 'finished:EXIT:failure:fatal', // TERM_RUNLIMIT
      '4712[4]': 'finished:EXIT:failure:fatal', // TERM_MEMLIMIT, no exit code
      '4712[5]': 'finished:EXIT:failure', // TERM_OWNER: someone killed it, try again
      '4712[6]': 'pending:PEND',
      '4712[7]': 'held:PSUSP',
      '4712[8]': 'suspended:USUSP',
      '4712[9]': 'suspended:SSUSP',
      '4712[10]': 'stalled:UNKWN', // unknown is not failure
      '4712[11]': 'error:ZOMBI',
      '4712[12]': 'pending:PROV',
      '4712[13]': 'pending:WAIT',
      '4712[14]': 'finished:POST_DONE:success',
      '4712[15]': 'finished:POST_ERR', // the result file decides
      '4712[16]': 'finished:EXIT:failure:fatal', // TERM_CPULIMIT
    });
  });

  it('keeps the reasons', () => {
    const statuses = parseBjobsJson(fixture('lsf', 'bjobs-json-mixed.json'));
    expect(statuses.get('4712[6]')?.reason).toBe('New job is waiting for scheduling;');
    expect(statuses.get('4712[3]')?.reason).toBe('TERM_RUNLIMIT: job killed after reaching LSF run time limit, exit status 140');
  });

  it('takes JOBID as is when LSB_BJOBS_DISPLAY_ENH already shows the index', () => {
    expect(brief(parseBjobsJson(fixture('lsf', 'bjobs-json-display-enh.json')))).toEqual({ '4712[3]': 'running:RUN', '4713': 'pending:PEND' });
  });

  it('reads "not found" and "No unfinished job found" (exit 255) as no jobs, not as a failed command', () => {
    expect(lsf.parseStatusOutput(fixtureResult('lsf', 'bjobs-json-all-unknown.json', 255), ['4798', '4799']).size).toBe(0);
    expect(lsf.parseStatusOutput(fixtureResult('lsf', 'bjobs-no-unfinished.txt', 255), ['4711']).size).toBe(0);
    expect(lsf.parseStatusOutput(fixtureResult('lsf', 'bjobs-not-found.txt', 255), ['123']).size).toBe(0);
  });

  it('reports LSF being down, or output without JSON, as a failed status command', () => {
    expect(() => lsf.parseStatusOutput(fixtureResult('lsf', 'bjobs-lsf-down.txt', 255), ['4711'])).toThrow(CommandOutputError);
    const garbage = { ...fixtureResult('lsf', 'bjobs-no-unfinished.txt', 0), stderr: '', stdout: 'JOBID USER STAT\n4711 alice RUN\n' };
    expect(() => lsf.parseStatusOutput(garbage, ['4711'])).toThrow(CommandOutputError);
    expect(() => parseBjobsJson('{"COMMAND":"bjobs","JOBS":1,"RECORDS":[{"JOBID":"4711",')).toThrow(CommandOutputError);
  });

  it('tolerates noise before the JSON', () => {
    const text = `Cannot connect to LSF. Please wait ...\n${fixture('lsf', 'bjobs-json-display-enh.json')}`;
    expect(parseBjobsJson(text).get('4713')?.state).toBe('pending');
  });

  it('maps an unknown STAT to stalled', () => {
    expect(lsfState({ STAT: 'NEWSTATE' }).state).toBe('stalled');
  });
});

describe('lsf flavor: cancel and info', () => {
  it('kills the given ids, elements included', () => {
    expect(lsf.cancelCommands(['4712[6]', '4711'], cmd)).toEqual([{ file: '/opt/lsf/bin/bkill', args: ['4712[6]', '4711'] }]);
  });

  it('counts finished and unknown jobs as cancelled, a refusal as a failure', () => {
    const answers = [['bkill-running.txt', 0], ['bkill-finished.txt', 255], ['bkill-unknown.txt', 255], ['bkill-mixed.txt', 255], ['bkill-not-owner.txt', 255]] as const;
    expect(cancelVerdicts(lsf, 'lsf', answers)).toEqual([false, false, false, false, true]);
  });

  it('reads the largest array from bparams, with LSF\'s default when it is not shown', () => {
    expect(lsf.infoCommands!(cmd)).toEqual([{ file: '/opt/lsf/bin/bparams', args: ['-a'] }]);
    expect(lsf.parseInfoOutputs!([fixtureResult('lsf', 'bparams-a.txt', 0)], {})).toEqual({ maxArraySize: 10000 });
    expect(lsf.parseInfoOutputs!([{ ...fixtureResult('lsf', 'bparams-a.txt', 0), stdout: 'CLEAN_PERIOD = 3600\n' }], {})).toEqual({ maxArraySize: 1000 });
    expect(lsf.parseInfoOutputs!([fixtureResult('lsf', 'bjobs-lsf-down.txt', 255)], {})).toEqual({});
  });
});

describe('lsf flavor: documented shapes no other test shows (IBM LSF 10.1 bjobs -o, -json, -noheader)', () => {
  const result = (stdout: string, exitCode = 0, stderr = '') => commandResult('bjobs', stdout, exitCode, stderr);

  it('reads array elements by JOBINDEX, skips the ERROR record of an id LSF no longer knows, ignores extra fields', () => {
    expect(brief(lsf.parseStatusOutput(fixtureResult('lsf', 'doc-bjobs-json-array-error-extra-fields.json', 0), ['4716[1]', '4717', '4718']))).toEqual({
      '4716[1]': 'running:RUN',
      '4716[2]': 'finished:EXIT:failure',
      '4716[3]': 'pending:PEND',
      '4718': 'finished:DONE:success',
    });
  });

  it('keys an element once when JOBID already carries the index that JOBINDEX repeats', () => {
    const text = '{"COMMAND":"bjobs","JOBS":1,"RECORDS":[{"JOBID":"4716[2]","JOBINDEX":"2","STAT":"RUN"}]}';
    expect([...parseBjobsJson(text).keys()]).toEqual(['4716[2]']);
  });

  it('reads an answer with no records as no jobs', () => {
    expect(parseBjobsJson('{"COMMAND":"bjobs","JOBS":0,"RECORDS":[]}\n').size).toBe(0);
  });

  it('reads the -noheader text table (`-` for empty fields) when bjobs prints no JSON', () => {
    const statuses = lsf.parseStatusOutput(fixtureResult('lsf', 'doc-bjobs-noheader.txt', 255), ['4716[1]', '4717', '4718', '4719']);
    expect(brief(statuses)).toEqual({
      '4716[1]': 'running:RUN',
      '4716[2]': 'finished:EXIT:failure',
      '4716[3]': 'pending:PEND',
      '4718': 'finished:DONE:success',
      '4719': 'finished:EXIT:failure',
    });
    expect(statuses.get('4716[2]')?.reason).toBe('exit status 1');
    // The same with `delimiter='^'` in the -o string.
    const caret = fixture('lsf', 'doc-bjobs-noheader.txt').replace(/ /g, '^');
    expect(parseBjobsJson(caret).get('4716[3]')?.state).toBe('pending');
  });

  it('tolerates CRLF, trailing blank lines and noise lines holding braces around the JSON', () => {
    const json = fixture('lsf', 'doc-bjobs-json-array-error-extra-fields.json').replace(/\n/g, '\r\n');
    const text = `LSF: mbatchd {busy}, retrying ...\r\n${json}\r\n\r\nbjobs: note {see bjobs -h}\r\n`;
    expect(brief(lsf.parseStatusOutput(result(text), ['4716[1]']))['4716[3]']).toBe('pending:PEND');
  });

  it('reads bsub ids with CRLF and lines after them', () => {
    const submitted = (stdout: string) => lsf.parseSubmitOutput(result(stdout), { ...request, array: false, chunks: [0] });
    expect(submitted('Job <4720> is submitted to queue <normal>.\r\n')).toEqual(['4720']);
    expect(submitted('Job <4721> is submitted to default queue <normal>.\n<<Waiting for dispatch ...>>\n\n')).toEqual(['4721']);
  });

  it('counts the kill of an array element, and an element already gone, as cancelled', () => {
    expect(lsf.cancelFailed(result('Job <4716[3]> is being terminated\r\n'))).toBe(false);
    expect(lsf.cancelFailed(result('', 255, 'Job <4716[2]>: Job has already finished\n'))).toBe(false);
  });
});
