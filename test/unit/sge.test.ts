import { describe, expect, it } from 'vitest';
import { CommandOutputError } from '../../src/queues/queue.js';
import { expandSgeTaskRanges, parseQstatXml, parseQsubTerse, sge, sgeState } from '../../src/queues/sge/commands.js';
import { fixture, fixtureResult } from '../helpers/fixtures.js';
import { submitRequest } from '../helpers/flavor-tests.js';

const states = (name: string) =>
  Object.fromEntries([...parseQstatXml(fixture('sge', name))].map(([id, s]) => [id, `${s.state}:${s.native}`]));

const request = submitRequest({ throttle: 2, resources: { queue: 'all.q' }, submitArgs: ['-l', 'scratch=1G'] });

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

describe('sge flavor: documented shapes no capture shows (sge_status(5), qstat(1))', () => {
  const xmlOf = (inner: string) =>
    `<?xml version='1.0'?>\n<job_info  xmlns:xsd="http://arc.liv.ac.uk/repos/darcs/sge/source/dist/util/resources/schemas/qstat/qstat.xsd">\n${inner}</job_info>\n`;

  it('expands pending task ranges with a step and comma lists of ranges', () => {
    const s = states('doc-qstat-xml-task-ranges-and-states.xml');
    const tasks = Object.keys(s).filter((id) => id.startsWith('304.')).map((id) => Number(id.split('.')[1])).sort((a, b) => a - b);
    expect(tasks).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20]);
    expect(s['304.11']).toBe('running:r');
    expect(s['304.5']).toBe('pending:qw');
    expect(s['304.18']).toBe('held:hqw');
  });

  it('maps restarted, deleting, requeued-held and error states as sge_status(5) lists them', () => {
    const s = states('doc-qstat-xml-task-ranges-and-states.xml');
    expect(s['301']).toBe('running:Rr');
    expect(s['302']).toBe('stalled:dr');
    expect(s['303']).toBe('stalled:dt');
    expect(s['305']).toBe('held:hRwq');
    expect(s['306']).toBe('pending:Rq');
    expect(s['307']).toBe('error:Eqw');
    expect(s['308']).toBe('error:EhRqw');
  });

  it('maps every state code of sge_status(5)', () => {
    const table: Record<string, string> = {
      qw: 'pending', Rq: 'pending', hqw: 'held', hRwq: 'held',
      r: 'running', hr: 'running', t: 'stalled', Rr: 'running', Rt: 'stalled',
      s: 'suspended', ts: 'suspended', S: 'suspended', tS: 'suspended', T: 'suspended', tT: 'suspended',
      Rs: 'suspended', Rts: 'suspended', RS: 'suspended', RtS: 'suspended', RT: 'suspended', RtT: 'suspended',
      Eqw: 'error', Ehqw: 'error', EhRqw: 'error',
      dr: 'stalled', dt: 'stalled', dRr: 'stalled', dRt: 'stalled', ds: 'stalled', dS: 'stalled', dT: 'stalled',
      dRs: 'stalled', dRS: 'stalled', dRT: 'stalled', z: 'finished',
    };
    for (const [code, state] of Object.entries(table)) expect(sgeState(code).state, code).toBe(state);
  });

  it('maps a state letter it does not know (other Grid Engines add some) to stalled, not to pending', () => {
    expect(sgeState('P')).toMatchObject({ state: 'stalled', native: 'P' });
    expect(sgeState('Nqw').state).toBe('stalled');
    expect(sgeState('').state).toBe('stalled');
  });

  it('reads an empty <job_info> in any of its forms as no jobs', () => {
    expect(parseQstatXml(xmlOf('  <queue_info>\n  </queue_info>\n  <job_info>\n  </job_info>\n')).size).toBe(0);
    expect(parseQstatXml(xmlOf('  <queue_info/>\n  <job_info/>\n')).size).toBe(0);
    expect(parseQstatXml(xmlOf('')).size).toBe(0);
    expect(parseQstatXml('\n\n').size).toBe(0);
  });

  it('reads the -f layout (jobs inside <Queue-List>), which a user\'s ~/.sge_qstat holding -f gives qstat -xml', () => {
    expect(states('qstat-f-xml-u-all-mixed.xml')).toMatchObject({
      '63.2': 'running:r',
      '63.3': 'running:r',
      '63.4': 'pending:qw',
      '63.6': 'held:hqw',
      '62': 'error:Eqw',
    });
  });

  it('tolerates CRLF line ends, trailing blank lines and a warning line on stdout', () => {
    const text = `warning: <sge_qstat> file read\r\n${fixture('sge', 'doc-qstat-xml-task-ranges-and-states.xml').replace(/\n/g, '\r\n')}\r\n\r\n`;
    const s = parseQstatXml(text);
    expect(s.get('304.20')?.state).toBe('held');
    expect(s.get('307')?.state).toBe('error');
    expect(s.size).toBe(Object.keys(states('doc-qstat-xml-task-ranges-and-states.xml')).length);
  });

  it('reads qsub -terse ids with CRLF, a step range, and banner lines after them', () => {
    expect(parseQsubTerse('4711\r\n')).toBe('4711');
    expect(parseQsubTerse('4712.1-10:2\r\n')).toBe('4712');
    expect(parseQsubTerse('4713.1-5:1\nnote: queue all.q is busy\n\n')).toBe('4713');
  });
});
