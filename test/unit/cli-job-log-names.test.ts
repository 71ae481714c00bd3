import { describe, expect, it } from 'vitest';
import { isLogOf, jobNumbers } from '../../src/cli/job-log-names.js';

describe('qmr logs --scheduler: which files a job wrote', () => {
  it('reads the job number and element of every flavor', () => {
    expect(jobNumbers('12.3')).toEqual({ job: '12', element: '3' });
    expect(jobNumbers('12_3')).toEqual({ job: '12', element: '3' });
    expect(jobNumbers('12[3].server')).toEqual({ job: '12', element: '3' });
    expect(jobNumbers('12.server')).toEqual({ job: '12' });
    expect(jobNumbers('12')).toEqual({ job: '12' });
    expect(jobNumbers('local-4')).toBeUndefined();
    expect(jobNumbers('local-4711-4')).toBeUndefined();
  });

  it.each([
    ['qmr-ab12.o1.1', '1.1', true], // SGE
    ['qmr-ab12.o1.3', '1.1', false],
    ['qmr-ab12.e7', '7', true],
    ['qmr-ab12.o17', '7', false],
    ['qmr-x7.o12', '7', false], // a 7 in the job name is not job 7
    ['qmr-x-12_3.out', '12_3', true], // Slurm
    ['qmr-x-12.out', '12', true],
    ['qmr-x.o12-3', '12[3].dummy', true], // Torque
    ['qmr-x.o12.3', '12[3].dummy', true], // PBS Pro
    ['qmr-x.o12', '12.dummy', true],
    ['lsf-12.3.err', '12[3]', true], // LSF
    ['condor-12.3.out', '12.3', true], // HTCondor
    ['condor-12.4.out', '12.3', false],
  ])('%s belongs to job %s: %s', (file, id, expected) => {
    expect(isLogOf(file, id)).toBe(expected);
  });
});
