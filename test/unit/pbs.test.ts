import { describe, expect, it } from 'vitest';
import { detectPbsDialect, parseQstatFull, parseQstatJson, pbs, pbsFlavor, pbsState, takeOption } from '../../src/queues/pbs/commands.js';
import { CommandOutputError, type CommandResult } from '../../src/queues/queue.js';
import { fixture, fixtureResult } from '../helpers/fixtures.js';
import { brief, cancelVerdicts, commandResult, submitRequest } from '../helpers/flavor-tests.js';

const torque = pbsFlavor('torque');
const pro = pbsFlavor('pro');
const slurm = pbsFlavor('slurm');
const cmd = (name: string) => `/opt/pbs/bin/${name}`;

const request = submitRequest({ chunks: [0, 1, 2, 3], resources: { queue: 'batch' } });

describe('pbs flavor: dialects', () => {
  it('tells the dialect from qstat --version', () => {
    expect(detectPbsDialect(fixture('pbs', 'pro-qstat-version.txt'))).toBe('pro');
    expect(detectPbsDialect(fixture('pbs', 'torque-qstat-version.txt'))).toBe('torque');
    // Slurm's Perl qstat has no --version: it prints "Unknown option: version" and its usage (exit 2), verbatim.
    expect(detectPbsDialect(fixture('pbs', 'slurm-wrapper-qstat-version.txt.stderr'))).toBe('slurm');
    expect(detectPbsDialect('qstat: command not found')).toBeUndefined();
  });

  it('exports the Torque dialect as pbs, and only the slurm dialect refuses arrays', () => {
    expect(pbs.name).toBe('pbs');
    expect(pbs.supportsArrays).toBe(true);
    expect(pro.supportsArrays).toBe(true);
    expect(slurm.supportsArrays).toBe(false);
    expect(pbs.commandNames).toEqual(['qsub', 'qstat', 'qdel']);
    expect(pbs.convention.indexBase).toBe(0);
  });
});

describe('pbs flavor: submit command lines', () => {
  it('builds a Torque array with one -l, -t and the chunk list in -v', () => {
    expect(torque.submitCommand({ ...request, throttle: 2 }, cmd)).toEqual({
      file: '/opt/pbs/bin/qsub',
      args: [
        '-N', 'qmr-abc', '-o', '/w/run/logs/scheduler/', '-e', '/w/run/logs/scheduler/',
        '-t', '0-3%2',
        '-q', 'batch', '-A', 'proj', '-l', 'nodes=1:ppn=2,mem=2048mb,walltime=00:01:30',
        '-v', 'QMR_CHUNKS=0-3',
        '/w/run/job.sh',
      ],
    });
  });

  it('builds a PBS Pro array with -J and a select statement', () => {
    expect(pro.submitCommand(request, cmd).args).toEqual([
      '-N', 'qmr-abc', '-o', '/w/run/logs/scheduler/', '-e', '/w/run/logs/scheduler/',
      '-J', '0-3',
      '-q', 'batch', '-A', 'proj', '-l', 'select=1:ncpus=2:mem=2048mb', '-l', 'walltime=00:01:30',
      '-v', 'QMR_CHUNKS=0-3',
      '/w/run/job.sh',
    ]);
  });

  it('limits running subjobs with -J range%N only when maxRunning asks for it', () => {
    expect(pro.submitCommand({ ...request, throttle: 3 }, cmd).args).toContain('0-3%3');
    expect(pro.submitCommand(request, cmd).args.join(' ')).not.toContain('%');
  });

  it('submits a one-chunk array as a plain job (PBS Pro refuses a one-element -J)', () => {
    const line = pro.submitCommand({ ...request, chunks: [5], resources: {} }, cmd);
    expect(line.args).not.toContain('-J');
    expect(line.args).toEqual(['-N', 'qmr-abc', '-o', '/w/run/logs/scheduler/', '-e', '/w/run/logs/scheduler/', '-v', 'QMR_CHUNKS=5', '/w/run/job.sh']);
  });

  it('writes a chunk list with + between its parts, since qsub -v splits on every comma', () => {
    const scattered = { ...request, chunks: [0, 1, 2, 3, 7], resources: {} };
    // Seen on Slurm's wrapper: -v QMR_CHUNKS=0-3,7 arrived as 0-3. job.sh reads + like a comma.
    expect(pro.submitCommand(scattered, cmd).args).toContain('QMR_CHUNKS=0-3+7');
    expect(torque.submitCommand(scattered, cmd).args).toContain('QMR_CHUNKS=0-3+7');
    expect(torque.submitCommand(scattered, cmd).args).not.toContain('-F');
  });

  it('merges the caller\'s -v and -l into ours (Slurm\'s wrapper keeps only the last of each)', () => {
    const line = torque.submitCommand({ ...request, submitArgs: ['-v', 'A=1', '-l', 'mem=4gb', '-m', 'n', '-vB=2'] }, cmd);
    expect(line.args).toContain('nodes=1:ppn=2,mem=2048mb,walltime=00:01:30,mem=4gb');
    expect(line.args).toContain('A=1,B=2,QMR_CHUNKS=0-3');
    expect(line.args.filter((a) => a === '-v' || a === '-l')).toEqual(['-l', '-v']);
    expect(line.args.slice(-3)).toEqual(['-m', 'n', '/w/run/job.sh']);
    expect(takeOption(['-x', '--v', '-v', 'X=1'], '-v')).toEqual({ values: ['X=1'], rest: ['-x', '--v'] });
  });

  it('gives Slurm\'s wrapper file names for -o/-e and one chunk per job', () => {
    expect(slurm.submitCommand({ ...request, array: false, chunks: [5] }, cmd).args).toEqual([
      '-N', 'qmr-abc', '-o', '/w/run/logs/scheduler/pbs-%j.out', '-e', '/w/run/logs/scheduler/pbs-%j.err',
      '-q', 'batch', '-A', 'proj', '-l', 'nodes=1:ppn=2,mem=2048mb,walltime=00:01:30',
      '-v', 'QMR_CHUNKS=5',
      '/w/run/job.sh',
    ]);
    expect(() => slurm.submitCommand(request, cmd)).toThrow(/one job per chunk/);
  });
});

describe('pbs flavor: job ids from qsub', () => {
  const result = (stdout: string) => commandResult('qsub', stdout);

  it('reads plain and array ids, with the server suffix', () => {
    expect(torque.parseSubmitOutput(fixtureResult('pbs', 'torque-qsub.txt', 0), { ...request, array: false, chunks: [1] })).toEqual([
      '4711.torque-head.example.org',
    ]);
    expect(torque.parseSubmitOutput(fixtureResult('pbs', 'torque-qsub-array.txt', 0), request)).toEqual([
      '4712[0].torque-head.example.org', '4712[1].torque-head.example.org', '4712[2].torque-head.example.org', '4712[3].torque-head.example.org',
    ]);
    expect(pro.parseSubmitOutput(fixtureResult('pbs', 'pro-qsub-array.txt', 0), request)).toEqual(['4720[0].pbs', '4720[1].pbs', '4720[2].pbs', '4720[3].pbs']);
  });

  it('reads the bare ids of Slurm\'s wrapper (verbatim) and tolerates banner lines', () => {
    expect(slurm.parseSubmitOutput(fixtureResult('pbs', 'acct-none-pbs_qsub.out', 0), { ...request, array: false, chunks: [0] })).toEqual(['26']);
    expect(torque.parseSubmitOutput(result('Site notice: maintenance on Friday\n4711.head\n'), { ...request, array: false, chunks: [0] })).toEqual(['4711.head']);
    expect(() => torque.parseSubmitOutput(result('qsub: submit error\n'), request)).toThrow(/no job id/);
  });

  it('refuses an array that came back with a bare id: Slurm\'s wrapper cannot show its elements', () => {
    expect(() => torque.parseSubmitOutput(fixtureResult('pbs', 'slurm-wrapper-qsub-array-t0-2.txt', 0), { ...request, chunks: [0, 1, 2] })).toThrow(
      /Slurm's qsub wrapper.*qdel 73/s,
    );
  });
});

describe('pbs flavor: status on verbatim output of Slurm\'s wrappers', () => {
  it('parses tab-indented qstat -f blocks', () => {
    const jobs = parseQstatFull(fixture('pbs', 'acct-none-pbs_qstat_f_running.out'));
    expect([...jobs.keys()]).toEqual(['12']);
    expect(jobs.get('12')).toMatchObject({ Job_Name: 'fx-running1', job_state: 'R', 'Resource_List.walltime': '8760:00:00' });
  });

  it('ignores warning lines around the blocks', () => {
    const text = `qstat: warning: slurm_load_jobs took 2 s\n${fixture('pbs', 'acct-none-pbs_qstat_f_running.out')}`;
    expect([...parseQstatFull(text).keys()]).toEqual(['12']);
    expect(parseQstatFull(text).get('12')!.job_state).toBe('R');
  });

  it('reads running, queued, held (shown as Q) and finished jobs; unknown ids are simply absent', () => {
    const result = fixtureResult('pbs', 'slurm-wrapper-qstat-f-running-held-finished-unknown.txt', 0);
    expect(brief(slurm.parseStatusOutput(result, ['80', '81', '76', '999999']))).toEqual({
      '76': 'finished:C', // no exit status: the result file decides
      '80': 'running:R',
      '81': 'pending:Q',
    });
  });

  it('reads every verbatim qstat -f state of the acct-none fixtures', () => {
    const one = (name: string, id: string) => brief(slurm.parseStatusOutput(fixtureResult('pbs', name, 0), [id]))[id];
    expect(one('acct-none-pbs_qstat_f_queued.out', '14')).toBe('pending:Q');
    expect(one('acct-none-pbs_qstat_f_held.out', '16')).toBe('pending:Q');
    expect(one('acct-none-pbs_qstat_f_pbs_running.out', '26')).toBe('running:R');
    expect(one('acct-none-pbs_qstat_f_completed.out', '27')).toBe('finished:C');
    expect(one('acct-none-pbs_qstat_f_failed_exit3.out', '30')).toBe('finished:C');
    expect(one('acct-none-pbs_qstat_f_cancelled.out', '26')).toBe('finished:C');
    expect(one('slurm-wrapper-qstat-f-after-qdel.txt', '81')).toBe('finished:C');
  });

  it('reads U (OUT_OF_MEMORY in Slurm\'s wrapper) as a failure the same job would meet again', () => {
    const statuses = slurm.parseStatusOutput(fixtureResult('pbs', 'slurm-wrapper-qstat-f-out-of-memory.txt', 0), ['82']);
    expect(statuses.get('82')).toMatchObject({ state: 'finished', native: 'U', outcome: 'failure', fatal: true });
  });

  it('treats exit 153 with no output (nothing matched) as "all gone", not a failed command', () => {
    expect(slurm.parseStatusOutput(fixtureResult('pbs', 'acct-none-pbs_qstat_f_unknown.out', 153), ['999999']).size).toBe(0);
    expect(slurm.parseStatusOutput(fixtureResult('pbs', 'slurm-wrapper-qstat-f-array-element-id.txt', 153), ['73[1]']).size).toBe(0);
  });

  it('asks qstat -f for the exact ids, batched only when long', () => {
    expect(slurm.statusCommands(['80', '81'], cmd)).toEqual([{ file: '/opt/pbs/bin/qstat', args: ['-f', '80', '81'] }]);
    const many = Array.from({ length: 1200 }, (_, i) => String(i));
    expect(slurm.statusCommands(many, cmd).map((c) => c.args.length)).toEqual([501, 501, 201]);
  });
});

describe('pbs flavor: Torque qstat -f (shaped as the Torque manual shows it)', () => {
  const ids = [
    '4711.torque-head.example.org', '4712[0].torque-head.example.org', '4712[1].torque-head.example.org',
    '4712[2].torque-head.example.org', '4712[3].torque-head.example.org', '4712[4].torque-head.example.org',
    '4713.torque-head.example.org', '4714.torque-head.example.org', '4715.torque-head.example.org',
    '4716.torque-head.example.org', '4717.torque-head.example.org',
  ];

  it('unwraps continuation lines', () => {
    const jobs = parseQstatFull(fixture('pbs', 'torque-qstat-f-mixed.txt'));
    expect(jobs.get('4711.torque-head.example.org')!.Variable_List).toBe(
      'PBS_O_QUEUE=batch,PBS_O_HOME=/home/alice,PBS_O_LOGNAME=alice,PBS_O_PATH=/usr/local/bin:/usr/bin:/bin,PBS_O_MAIL=/var/spool/mail/alice,' +
        'PBS_O_SHELL=/bin/bash,PBS_O_LANG=en_US.UTF-8,PBS_O_WORKDIR=/home/alice/w,PBS_O_HOST=login1.example.org,PBS_O_SERVER=torque-head.example.org',
    );
    expect(jobs.get('4717.torque-head.example.org')!.sched_hint).toContain("Bad UID for job execution");
    expect(jobs.get('4717.torque-head.example.org')!.exit_status).toBe('-1');
  });

  it('maps every Torque state and exit status', () => {
    expect(brief(torque.parseStatusOutput(fixtureResult('pbs', 'torque-qstat-f-mixed.txt', 0), ids))).toEqual({
      '4711.torque-head.example.org': 'running:R',
      '4712[0].torque-head.example.org': 'finished:C:success',
      '4712[1].torque-head.example.org': 'finished:C:failure',
      '4712[2].torque-head.example.org': 'finished:C:failure:fatal', // -11: walltime exceeded
      '4712[3].torque-head.example.org': 'running:E',
      '4712[4].torque-head.example.org': 'pending:Q',
      '4713.torque-head.example.org': 'held:H',
      '4714.torque-head.example.org': 'pending:W',
      '4715.torque-head.example.org': 'suspended:S',
      '4716.torque-head.example.org': 'pending:T',
      '4717.torque-head.example.org': 'finished:C:failure', // -1: could not start, worth another try
    });
  });

  it('matches ids on number and index when qstat prints a longer server name than qsub did', () => {
    const statuses = torque.parseStatusOutput(fixtureResult('pbs', 'torque-qstat-f-mixed.txt', 0), ['4712[1].torque-head']);
    expect([...statuses.keys()]).toEqual(['4712[1].torque-head']);
  });

  it('treats "Unknown Job Id" as gone and a dead server as a failed command', () => {
    const some = torque.parseStatusOutput(fixtureResult('pbs', 'torque-qstat-f-some-unknown.txt', 153), ['4711.torque-head.example.org', '4799.torque-head.example.org']);
    expect(brief(some)).toEqual({ '4711.torque-head.example.org': 'running:R' });
    expect(() => torque.parseStatusOutput(fixtureResult('pbs', 'torque-qstat-server-down.txt', 1), ['4711.x'])).toThrow(CommandOutputError);
    const hung: CommandResult = { command: { file: 'qstat', args: [] }, exitCode: undefined, stdout: '', stderr: '', timedOut: true };
    expect(() => torque.parseStatusOutput(hung, ['4711.x'])).toThrow(CommandOutputError);
  });

  it('asks for array elements by their own ids', () => {
    expect(torque.statusCommands(['4712[0].s', '4712[1].s', '4711.s'], cmd)).toEqual([
      { file: '/opt/pbs/bin/qstat', args: ['-f', '4712[0].s', '4712[1].s', '4711.s'] },
    ]);
  });
});

describe('pbs flavor: PBS Pro qstat -f -F json -x (shaped as qstat.1B and PBS output show it)', () => {
  const ids = [
    '4720[0].pbs', '4720[1].pbs', '4720[2].pbs', '4720[3].pbs', '4721.pbs', '4722.pbs', '4723.pbs', '4724.pbs',
    '4725.pbs', '4726.pbs', '4727.pbs', '4728.pbs', '4729.pbs', '4730.pbs',
  ];

  it('maps every PBS Pro state and Exit_status', () => {
    expect(brief(pro.parseStatusOutput(fixtureResult('pbs', 'pro-qstat-f-F-json-x-mixed.json', 0), ids))).toEqual({
      '4720[0].pbs': 'finished:X:success',
      '4720[1].pbs': 'finished:X:failure:fatal', // -29 JOB_EXEC_KILL_WALLTIME
      '4720[2].pbs': 'running:R',
      '4720[3].pbs': 'pending:Q',
      '4721.pbs': 'finished:F:success',
      '4722.pbs': 'finished:F:failure',
      '4723.pbs': 'finished:F:failure', // 271 = 256 + SIGTERM
      '4724.pbs': 'finished:F:failure:fatal', // -27 JOB_EXEC_KILL_MEM
      '4725.pbs': 'held:H',
      '4726.pbs': 'stalled:M',
      '4727.pbs': 'suspended:U', // PBS Pro: suspended for keyboard activity
      '4728.pbs': 'suspended:S',
      '4729.pbs': 'running:E',
      '4730.pbs': 'pending:W',
    });
    // The array parent (B) is not a tracked job.
    expect(pro.parseStatusOutput(fixtureResult('pbs', 'pro-qstat-f-F-json-x-mixed.json', 0), ids).has('4720[].pbs')).toBe(false);
  });

  it('keeps the comment of a held job as its reason', () => {
    const statuses = pro.parseStatusOutput(fixtureResult('pbs', 'pro-qstat-f-F-json-x-mixed.json', 0), ['4725.pbs']);
    expect(statuses.get('4725.pbs')?.reason).toBe('job held, too many failed attempts to run');
  });

  it('reads no Jobs key as no jobs, and unknown ids as gone', () => {
    expect(pro.parseStatusOutput(fixtureResult('pbs', 'pro-qstat-f-F-json-x-no-jobs.json', 0), ['4721.pbs']).size).toBe(0);
    const some = pro.parseStatusOutput(fixtureResult('pbs', 'pro-qstat-f-F-json-x-some-unknown.json', 153), ['4721.pbs', '4799.pbs']);
    expect(brief(some)).toEqual({ '4721.pbs': 'finished:F:success' });
  });

  it('still reads each job when an environment value broke the JSON', () => {
    const text = fixture('pbs', 'pro-qstat-f-F-json-x-broken-variable-list.json');
    expect(() => JSON.parse(text)).toThrow();
    expect(brief(pro.parseStatusOutput(fixtureResult('pbs', 'pro-qstat-f-F-json-x-broken-variable-list.json', 0), ['4731.pbs', '4732.pbs']))).toEqual({
      '4731.pbs': 'running:R',
      '4732.pbs': 'finished:F:failure',
    });
  });

  it('tolerates a warning line before the JSON', () => {
    const records = parseQstatJson(`qstat: warning: something odd\n${fixture('pbs', 'pro-qstat-f-F-json-x-mixed.json')}`);
    expect(records.get('4721.pbs')).toEqual({ state: 'F', exitStatus: 0, comment: 'Job run at Wed Mar 17 at 20:36 on (pbs:ncpus=1) and finished' });
  });

  it('asks once for finished jobs too (-x) and for arrays through their parent (-t)', () => {
    expect(pro.statusCommands(['4720[0].pbs', '4720[1].pbs', '4721.pbs'], cmd)).toEqual([
      { file: '/opt/pbs/bin/qstat', args: ['-f', '-F', 'json', '-x', '-t', '4720[].pbs', '4721.pbs'] },
    ]);
    expect(pro.statusCommands(['4721.pbs'], cmd)[0]!.args).toEqual(['-f', '-F', 'json', '-x', '4721.pbs']);
  });
});

describe('pbs flavor: state letters per dialect', () => {
  it('reads U and M by dialect', () => {
    expect(pbsState('pro', 'U').state).toBe('suspended');
    expect(pbsState('torque', 'U')).toMatchObject({ state: 'finished', outcome: 'failure', fatal: true });
    expect(pbsState('pro', 'M').state).toBe('stalled');
    expect(pbsState('pro', 'F', -24).fatal).toBe(true);
    expect(pbsState('torque', 'C', -10).fatal).toBe(true);
    expect(pbsState('torque', 'C', -29).fatal).toBeUndefined();
    expect(pbsState('pro', 'X').outcome).toBeUndefined(); // a subjob deleted before it ran
    expect(pbsState('torque', 'Z').state).toBe('stalled');
  });
});

describe('pbs flavor: cancel', () => {
  it('deletes the given ids, elements included', () => {
    expect(torque.cancelCommands(['4712[1].s', '4711.s'], cmd)).toEqual([{ file: '/opt/pbs/bin/qdel', args: ['4712[1].s', '4711.s'] }]);
  });

  it('counts unknown and finished jobs as cancelled, other refusals as failures', () => {
    // acct-none-pbs_qdel_finished.out is verbatim: a silent exit 1.
    expect(cancelVerdicts(slurm, 'pbs', [['acct-none-pbs_qdel_running.out', 0], ['acct-none-pbs_qdel_finished.out', 1], ['acct-none-pbs_qdel_unknown.out', 1], ['slurm-wrapper-qdel-held-and-unknown.txt', 1]])).toEqual([false, false, false, false]);
    expect(cancelVerdicts(torque, 'pbs', [['torque-qdel-unknown.txt', 153], ['torque-qdel-completed.txt', 168], ['torque-qdel-permission.txt', 159]])).toEqual([false, false, true]);
    expect(cancelVerdicts(pro, 'pbs', [['pro-qdel-finished.txt', 35], ['pro-qdel-unknown.txt', 153], ['pro-qdel-illegal-id.txt', 1]])).toEqual([false, false, true]);
  });
});

describe('pbs flavor: documented shapes no other test shows (qstat.1B, qstat-torque(1), openpbs issues)', () => {
  const result = (stdout: string, exitCode = 0, stderr = '') => commandResult('qstat', stdout, exitCode, stderr);
  const brokenIds = ['4741.pbs-01', '4742.pbs-01', '4743.pbs-01', '4744.pbs-01'];

  it('still reads every job when Job_Name or a comment holds unescaped quotes, or Variable_List raw control characters, `\\,` or a bare 005', () => {
    const text = fixture('pbs', 'pro-qstat-f-F-json-x-broken-quotes-controls.json');
    expect(() => JSON.parse(text)).toThrow();
    expect(brief(pro.parseStatusOutput(result(text), brokenIds))).toEqual({
      '4741.pbs-01': 'running:R',
      '4742.pbs-01': 'held:H',
      '4743.pbs-01': 'finished:F:failure',
      '4744.pbs-01': 'finished:F:success',
    });
  });

  it('keeps the whole comment of a broken document as the reason, quotes and all', () => {
    const statuses = pro.parseStatusOutput(fixtureResult('pbs', 'pro-qstat-f-F-json-x-broken-quotes-controls.json', 0), brokenIds);
    expect(statuses.get('4742.pbs-01')?.reason).toBe('job held by "admin": node "n7" in maintenance');
  });

  it('matches qstat\'s long server names (dots, hyphens) to the ids qsub printed, for subjobs too', () => {
    const text = fixture('pbs', 'pro-qstat-f-F-json-x-mixed.json').replace(/\.pbs"/g, '.pbs-01.hpc.example.org"');
    const statuses = pro.parseStatusOutput(result(text), ['4720[0].pbs-01', '4720[1].pbs-01', '4721.pbs-01']);
    expect(brief(statuses)).toEqual({
      '4720[0].pbs-01': 'finished:X:success',
      '4720[1].pbs-01': 'finished:X:failure:fatal',
      '4721.pbs-01': 'finished:F:success',
    });
  });

  it('reads qsub ids with dotted, hyphenated server names and CRLF', () => {
    const one = { ...request, array: false, chunks: [0] };
    expect(pro.parseSubmitOutput(result('4750.pbs-01.hpc.example.org\r\n'), one)).toEqual(['4750.pbs-01.hpc.example.org']);
    expect(pro.parseSubmitOutput(result('4751[].pbs-01.hpc.example.org\r\n'), { ...request, chunks: [0, 1] })).toEqual([
      '4751[0].pbs-01.hpc.example.org', '4751[1].pbs-01.hpc.example.org',
    ]);
  });

  it('reads qstat -f text blocks when PBS Pro printed no JSON', () => {
    const text = 'Job Id: 4760.pbs-01\n    Job_Name = qmr-x\n    job_state = F\n    Exit_status = 3\n\nJob Id: 4761.pbs-01\n    job_state = R\n';
    expect(brief(pro.parseStatusOutput(result(text), ['4760.pbs-01', '4761.pbs-01']))).toEqual({
      '4760.pbs-01': 'finished:F:failure',
      '4761.pbs-01': 'running:R',
    });
  });

  it('reads Torque qstat -f with CRLF line ends, trailing blank lines and a longer server name', () => {
    const text = `${fixture('pbs', 'torque-qstat-f-mixed.txt').replace(/\n/g, '\r\n')}\r\n\r\n`;
    const jobs = parseQstatFull(text);
    expect(jobs.get('4711.torque-head.example.org')!.Variable_List).toBe(
      parseQstatFull(fixture('pbs', 'torque-qstat-f-mixed.txt')).get('4711.torque-head.example.org')!.Variable_List,
    );
    expect(brief(torque.parseStatusOutput(result(text), ['4712[2].torque-head', '4713.torque-head']))).toEqual({
      '4712[2].torque-head': 'finished:C:failure:fatal',
      '4713.torque-head': 'held:H',
    });
  });

  it('keeps a tab-continued line that holds ` = ` in the value it continues', () => {
    const text = 'Job Id: 4770.head\n    job_state = Q\n    comment = Not Running: PBS Error: insufficient resources,\n\tneeds mem = 64gb on one node\n    queue = batch\n';
    expect(parseQstatFull(text).get('4770.head')).toEqual({
      job_state: 'Q',
      comment: 'Not Running: PBS Error: insufficient resources,needs mem = 64gb on one node',
      queue: 'batch',
    });
  });

  it('reports a qstat that printed something other than job blocks (the -t table) as a failed command, not as "all gone"', () => {
    const table = [
      'Job ID                    Name             User            Time Use S Queue',
      '------------------------- ---------------- --------------- -------- - -----',
      '4712[0].torque-head        qmr-a1b2c3d4-0   alice           00:00:01 C batch',
      '4712[1].torque-head        qmr-a1b2c3d4-1   alice           00:00:01 R batch',
      '',
    ].join('\n');
    expect(() => torque.parseStatusOutput(result(table), ['4712[0].torque-head'])).toThrow(CommandOutputError);
    // Nothing at all with exit 0 is still "none of these jobs".
    expect(torque.parseStatusOutput(result(''), ['4712[0].torque-head']).size).toBe(0);
  });
});
