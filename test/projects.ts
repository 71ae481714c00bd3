/**
 * Which folders of test/ make up each vitest project (vitest.config.ts builds its projects from
 * this table; test/unit/test-projects.test.ts checks every test file lands in exactly one).
 */
export const TEST_PROJECTS = {
  /** The code in the test's own process: no dist/, no scheduler or emulator, no child process. */
  unit: ['test/unit'],
  /** Maps, the CLI and the dummy-queue emulator, run from the built dist/ in child processes. */
  emulated: ['test/integration', 'test/cli', 'test/dummy-queue'],
  /** The real SGE, Slurm and PBS daemons (test/helpers/real-schedulers.ts says when they skip). */
  real: ['test/real'],
  /** The one-machine cluster of scripts/cluster-up.sh (test/cluster/cluster.ts says when they skip). */
  cluster: ['test/cluster'],
} as const;
