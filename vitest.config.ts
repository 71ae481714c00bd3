import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests run real jobs (child processes, dummy and real schedulers): give them time,
    // and run test files in child processes so a stuck scheduler cannot take the runner down.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
