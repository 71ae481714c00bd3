/**
 * The test runner's settings: four projects a developer can run on their own. `unit` is the
 * code in this process (no dist/, no scheduler, no child process); `emulated` runs maps, the CLI
 * and the dummy-queue emulator from the built dist/; `real` needs the SGE, Slurm or PBS daemons
 * (skipped without QMR_REAL_SCHEDULERS); `cluster` the one-machine cluster of scripts/cluster-up.sh
 * (skipped without QMR_CLUSTER). test/unit/test-projects.test.ts checks that every test
 * file is in exactly one of them.
 */
import { defineConfig } from 'vitest/config';
import { TEST_PROJECTS } from './test/projects.js';

export default defineConfig({
  test: {
    // Integration tests run real jobs (child processes, dummy and real schedulers): give them time,
    // and run test files in child processes so a stuck scheduler cannot take the runner down.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default'],
    projects: Object.entries(TEST_PROJECTS).map(([name, folders]) => ({
      extends: true,
      test: { name, include: folders.map((folder) => `${folder}/**/*.test.ts`) },
    })),
  },
});
