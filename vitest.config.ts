import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/src/**/*.e2e.ts'],
          environment: 'node',
          globalSetup: ['e2e/src/setup/global-setup.ts'],
          setupFiles: ['e2e/src/setup/websocket-global.ts'],
          // One platform for the whole run: test files share it, so they run one after another.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'bench',
          include: ['e2e/bench/**/*.load.ts'],
          environment: 'node',
          globalSetup: ['e2e/src/setup/global-setup.ts'],
          setupFiles: ['e2e/src/setup/websocket-global.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
