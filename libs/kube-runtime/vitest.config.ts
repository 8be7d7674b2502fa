import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// Two projects: `unit` (pure logic and an in-memory fake API server) and `int` (a real
// kube-apiserver from tools/kube-testenv for the whole run, one namespace per test file).
export default defineConfig(
  vitestConfig('kube-runtime', {
    // Integration files share one API server and assert timings: one file at a time.
    fileParallelism: false,
    include: [],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.spec.ts'], exclude: ['src/**/*.int.spec.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['src/**/*.int.spec.ts'],
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  }),
);
