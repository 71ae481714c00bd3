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
    // SGE: NAME.oJOB, NAME.oJOB.TASK (and .po/.pe for parallel environments)
    ['sge', 'qmr-ab12.o1.1', '1.1', true],
    ['sge', 'qmr-ab12.o1.3', '1.1', false],
    ['sge', 'qmr-ab12.e7', '7', true],
    ['sge', 'qmr-ab12.pe7', '7', true],
    ['sge', 'qmr-ab12.o17', '7', false],
    ['sge', 'qmr-x7.o12', '7', false], // a 7 in the job name is not job 7
    ['sge', 'qmr-x.o5.12', '12', false], // element 12 of array 5 is not plain job 12
    ['sge', 'qmr-x.o12.5', '12', false], // nor an element of array 12
    ['sge', 'qmr-x.o12', '12.5', false], // and plain job 12 is not element 5 of it
    ['sge', 'x.o5.o12', '12', true], // a job name that looks like a log name
    ['sge', 'qmr-x-12.out', '12', false], // another flavor's template
    // Slurm: NAME-JOB.out, NAME-ARRAY_TASK.out
    ['slurm', 'qmr-x-12_3.out', '12_3', true],
    ['slurm', 'qmr-x-12_3.err', '12_3', true],
    ['slurm', 'qmr-x-12.out', '12', true],
    ['slurm', 'qmr-x-5_12.out', '12', false], // element 12 of array 5
    ['slurm', 'qmr-x-12_5.out', '12', false],
    ['slurm', 'qmr-x-112.out', '12', false],
    ['slurm', 'qmr-12.out', '12', true], // the name qmr, job 12
    ['slurm', 'qmr-x.o12', '12', false],
    // PBS: Torque NAME.oJOB-TASK, PBS Pro NAME.oJOB.TASK, Slurm's wrapper pbs-JOB.out
    ['pbs', 'qmr-x.o12-3', '12[3].dummy', true],
    ['pbs', 'qmr-x.o12.3', '12[3].dummy', true],
    ['pbs', 'qmr-x.o12', '12.dummy', true],
    ['pbs', 'qmr-x.e12', '12', true],
    ['pbs', 'pbs-26.out', '26', true],
    ['pbs', 'qmr-x.o5.12', '12.dummy', false],
    ['pbs', 'qmr-x.o5-12', '12.dummy', false],
    ['pbs', 'qmr-x.o12-4', '12[3].dummy', false],
    ['pbs', 'qmr-x.o12', '12[3].dummy', false],
    // LSF: lsf-JOB.out, lsf-JOB.INDEX.out
    ['lsf', 'lsf-12.3.err', '12[3]', true],
    ['lsf', 'lsf-12.out', '12', true],
    ['lsf', 'lsf-5.12.out', '12', false], // element 12 of array 5
    ['lsf', 'lsf-12.5.out', '12', false],
    ['lsf', 'lsf-12.out', '12[3]', false],
    // HTCondor: condor-CLUSTER.PROCESS.out, and the cluster's log condor-CLUSTER.log
    ['htcondor', 'condor-12.3.out', '12.3', true],
    ['htcondor', 'condor-12.4.out', '12.3', false],
    ['htcondor', 'condor-12.log', '12.3', true],
    ['htcondor', 'condor-5.12.out', '12.0', false],
    ['htcondor', 'condor-112.log', '12.0', false],
    // local: no scheduler logs
    ['local', 'local-4711-4', 'local-4711-4', false],
    // a flavor this qmr does not know: any flavor's template, still whole names
    ['future', 'lsf-12.out', '12', true],
    ['future', 'lsf-5.12.out', '12', false],
  ])('%s: %s belongs to job %s: %s', (flavor, file, id, expected) => {
    expect(isLogOf(file, id, flavor)).toBe(expected);
  });
});
