import { defineConfig } from 'vitest/config';
import { vitestConfig } from '../../vitest.shared';

// Unit tests (pure derivation) and scenario tests against a real kube-apiserver (kube-testenv,
// started once by the global setup) and real PostgreSQL (one database per file). Scenario files
// share the API server, so they run one at a time to keep timings stable on a busy 2-core machine.
export default defineConfig(
  vitestConfig('recorder', {
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  }),
);
