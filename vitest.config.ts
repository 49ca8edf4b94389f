import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that measure the machine (how many streams overlap, how soon a failure stops the
 * others): they run after the rest, one at a time, with nothing else of the suite beside them.
 */
const ALONE = ['test/operations/parallel-streams.test.ts'];

const e2e = {
  // Builds the Rust and TypeScript test plugins from source (cached by source).
  globalSetup: ['test/fixtures/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 900_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    // Vitest's default on 2 cores is 1 worker (cores - 1): the e2e files mostly wait on
    // subprocesses, servers and plugin workers, so 3 at once keep both cores busy.
    // VITEST_MAX_WORKERS overrides it.
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['host/src/**/*.test.ts'],
        },
      },
      {
        test: { name: 'e2e', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...ALONE], ...e2e },
      },
      {
        test: { name: 'e2e-alone', include: ALONE, ...e2e, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
