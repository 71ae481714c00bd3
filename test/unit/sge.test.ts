import { describe, expect, it } from 'vitest';
import { CommandOutputError, type SubmitRequest } from '../../src/queues/queue.js';
import { expandSgeTaskRanges, parseQstatXml, parseQsubTerse, sge, sgeState } from '../../src/queues/sge.js';
import { fixture, fixtureResult } from '../helpers/fixtures.js';

const states = (name: string) =>
  Object.fromEntries([...parseQstatXml(fixture('sge', name))].map(([id, s]) => [id, `${s.state}:${s.native}`]));

const request: SubmitRequest = {
  chunks: [0, 1, 2, 5],
  array: true,
  throttle: 2,
  jobName: 'qmr-abc',
  script: '/w/run/job.sh',
  schedulerLogDir: '/w/run/logs/scheduler',
  workingDir: '/w',
  resources: { queue: 'all.q', walltime: 90, memory: '2G', cpus: 2, account: 'proj' },
  submitArgs: ['-l', 'scratch=1G'],
};

describe('sge flavor on real SGE 8.1.9 output', () => {
  it('reads running, pending, held, error and array tasks from qstat -xml', () => {
    expect(states('qstat-xml-mixed.xml')).toEqual({
      '62': 'error:Eqw',
      '63.2': 'running:r',
      '63.3': 'running:r',
      '63.4': 'pending:qw',
      '63.5': 'pending:qw',
      '63.6': 'held:hqw',
      '64': 'pending:qw',
      '65': 'pending:qw',
      '66': 'held:hqw',
      '68.1': 'pending:qw',
      '68.2': 'pending:qw',
      '68.3': 'pending:qw',
    });
  });

  it('reads an empty queue as no jobs', () => {
    expect(parseQstatXml(fixture('sge', 'qstat-xml-empty.xml')).size).toBe(0);
    expect(parseQstatXml('').size).toBe(0);
  });

  it('sees suspended tasks, jobs being deleted and zombies', () => {
    expect(states('qstat-xml-suspended-task.xml')['63.3']).toBe('suspended:s');
    expect(states('qstat-xml-running-job-being-deleted.xml')['72']).toBe('stalled:dr');
    expect(states('qstat-xml-s-z-finished-zombies.xml')['2265']).toBe('finished:z');
  });

  it('tolerates a warning line before the XML', () => {
    const text = `warning: something odd\n${fixture('sge', 'qstat-xml-eqw.xml')}`;
    expect(parseQstatXml(text).get('62')?.state).toBe('error');
  });

  it('reports qmaster down as a failed status command', () => {
    const result = fixtureResult('sge', 'qstat-xml-qmaster-down.xml', 1);
    expect(() => sge.parseStatusOutput(result, ['1'])).toThrow(CommandOutputError);
  });

  it('maps state letters', () => {
    expect(sgeState('hr').state).toBe('running'); // a hold does not stop a running job
    expect(sgeState('Rr').state).toBe('running');
    expect(sgeState('t').state).toBe('stalled');
    expect(sgeState('dt').state).toBe('stalled');
    expect(sgeState('hqw').state).toBe('held');
    expect(sgeState('S').state).toBe('suspended');
    expect(sgeState('qw').state).toBe('pending');
  });

  it('expands task ranges', () => {
    expect(expandSgeTaskRanges('4,5')).toEqual([4, 5]);
    expect(expandSgeTaskRanges('1-7:2')).toEqual([1, 3, 5, 7]);
    expect(expandSgeTaskRanges('6')).toEqual([6]);
  });

  it('reads the job id from qsub -terse, plain and array', () => {
    expect(parseQsubTerse(fixture('sge', 'qsub-terse.txt'))).toBe(fixture('sge', 'qsub-terse.txt').trim());
    expect(parseQsubTerse(fixture('sge', 'qsub-array-t1-5-terse.txt'))).toBe(fixture('sge', 'qsub-array-t1-5-terse.txt').split('.')[0]);
    expect(parseQsubTerse('site banner: be nice\n4711\n')).toBe('4711');
    expect(() => parseQsubTerse(fixture('sge', 'qsub-plain.txt'))).toThrow(/no job id/);
  });

  it('builds an array submission with resources and the chunk list', () => {
    const line = sge.submitCommand(request, (n) => `/opt/sge/${n}`);
    expect(line.file).toBe('/opt/sge/qsub');
    expect(line.args).toEqual([
      '-terse', '-N', 'qmr-abc', '-S', '/bin/bash',
      '-o', '/w/run/logs/scheduler/', '-e', '/w/run/logs/scheduler/', '-wd', '/w',
      '-t', '1-4', '-tc', '2',
      '-q', 'all.q', '-P', 'proj', '-l', 'h_rt=00:01:30', '-pe', 'smp', '2', '-l', 'h_vmem=1024M',
      '-l', 'scratch=1G',
      '/w/run/job.sh', '--chunks', '0-2,5',
    ]);
    const ids = sge.parseSubmitOutput({ ...fixtureResult('sge', 'qsub-array-t1-5-terse.txt', 0) }, request);
    const base = fixture('sge', 'qsub-array-t1-5-terse.txt').split('.')[0];
    expect(ids).toEqual([`${base}.1`, `${base}.2`, `${base}.3`, `${base}.4`]);
  });

  it('reads the slots and the array size limit of the cluster', () => {
    const info = sge.parseInfoOutputs!([fixtureResult('sge', 'qstat-g-c-xml.xml', 0), fixtureResult('sge', 'qconf-sconf.txt', 0)], {});
    expect(info).toEqual({ slots: 2, maxArraySize: 75000 });
    expect(sge.parseInfoOutputs!([fixtureResult('sge', 'qstat-xml-qmaster-down.xml', 1)], {})).toEqual({});
  });

  it('treats qdel of a job that is already gone as done, and other failures as failures', () => {
    expect(sge.cancelFailed(fixtureResult('sge', 'qdel-nonexistent.txt', 1))).toBe(false);
    expect(sge.cancelFailed(fixtureResult('sge', 'qdel-already-finished-job.txt', 1))).toBe(false);
    expect(sge.cancelFailed(fixtureResult('sge', 'qdel-whole-array-job.txt', 0))).toBe(false);
    expect(sge.cancelFailed(fixtureResult('sge', 'qdel-qmaster-down.txt', 1))).toBe(true);
    expect(sge.cancelFailed(fixtureResult('sge', 'qdel-other-users-job-as-sgetest.txt', 1))).toBe(true);
  });
});
