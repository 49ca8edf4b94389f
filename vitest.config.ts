import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['host/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          // Builds the Rust and TypeScript test plugins from source (cached by source).
          globalSetup: ['test/fixtures/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 900_000,
          pool: 'forks',
        },
      },
    ],
  },
});
