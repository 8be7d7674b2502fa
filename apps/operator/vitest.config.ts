import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// Two projects: `unit` (src/, no cluster) and `e2e` (tests/, one real API server for the run via
// tests/global-setup.ts, the operator as a child process, one namespace per test file).
export default defineConfig(
  vitestConfig('operator', {
    // e2e files each start their own operator; one file at a time keeps the 2-core box sane.
    fileParallelism: false,
    // Each project lists its own files (project arrays are merged with the root's).
    include: [],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.spec.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/**/*.spec.ts'],
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  }),
);
