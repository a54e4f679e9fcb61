import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'prisma/generated/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites share PostgreSQL databases and Redis; files run in parallel
    // but each integration file works in its own database/schema.
    pool: 'forks',
    // Most files wait on PostgreSQL, Redis, child processes or sockets rather than compute:
    // three at a time on two cores keeps both busy (the default, cores − 1, ran one at a time).
    maxWorkers: 3,
  },
});
